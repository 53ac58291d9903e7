package dev.canopy.core;

import dev.canopy.api.DatabaseClusterSpec;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides the next safe step from the spec and what is observed. Pure: no I/O, the same input gives the same step.
 * Provision order: leaves of both availability groups, activate, baseline, aggregators, then Ready once SQL answers.
 */
public final class Planner {

    private Planner() {
    }

    public static Step next(Observed observed) {
        DatabaseClusterSpec spec = observed.topology().spec();
        if (spec.isSuspended()) {
            return suspend(observed);
        }
        List<NodeId> leaves = DesiredNodes.leaves(spec);
        List<NodeId> missingLeaves = leaves.stream().filter(n -> !observed.isUp(n)).toList();
        if (!missingLeaves.isEmpty()) {
            return new Step.StartNodes(missingLeaves, "StartingLeaves", "starting " + names(missingLeaves));
        }
        EngineView engine = observed.engine();
        List<NodeId> leavesAway = leaves.stream().filter(n -> !engine.joined(n)).toList();
        if (!engine.reachable() || !leavesAway.isEmpty()) {
            return new Step.Wait("LeavesJoining", "waiting for " + names(leavesAway.isEmpty() ? leaves : leavesAway)
                    + " to join" + (engine.reachable() ? "" : " (" + engine.detail() + ")"));
        }
        if (!engine.active()) {
            return new Step.Activate("Activating", "activating the cluster on " + leaves.size() + " leaves");
        }
        Set<String> wanted = leaves.stream().map(NodeId::name).collect(Collectors.toCollection(TreeSet::new));
        // leaves no longer declared: those that exist, and those still in the baseline
        Set<String> extraLeaves = new TreeSet<>(engine.baseline());
        extraLeaves.removeAll(wanted);
        observed.nodes().keySet().stream().filter(n -> n.isLeaf() && !leaves.contains(n))
                .forEach(n -> extraLeaves.add(n.name()));
        if (!extraLeaves.isEmpty()) {
            return new Step.Blocked("LeafScaleInUnsupported", "removing leaves (" + String.join(", ", extraLeaves)
                    + ") needs a rebalance away first, which this version does not do yet");
        }
        if (!engine.baseline().equals(wanted)) {
            return new Step.SetBaseline(wanted, "SettingBaseline", "setting the baseline to " + String.join(", ", wanted));
        }
        List<NodeId> aggregators = DesiredNodes.aggregators(spec);
        List<NodeId> missingAggregators = aggregators.stream().filter(n -> !observed.isUp(n)).toList();
        if (!missingAggregators.isEmpty()) {
            return new Step.StartNodes(missingAggregators, "StartingAggregators", "starting " + names(missingAggregators));
        }
        List<NodeId> extraAggregators = observed.nodes().keySet().stream()
                .filter(n -> !n.isLeaf() && !aggregators.contains(n))
                .sorted(Comparator.reverseOrder()).toList();
        if (!extraAggregators.isEmpty()) {
            return new Step.DeleteNodes(extraAggregators, "RemovingAggregators", "removing " + names(extraAggregators));
        }
        List<NodeId> aggregatorsAway = aggregators.stream().filter(n -> !engine.joined(n)).toList();
        if (!aggregatorsAway.isEmpty()) {
            return new Step.Wait("AggregatorsJoining", "waiting for " + names(aggregatorsAway) + " to join");
        }
        if (engine.partitionsNotOwning() > 0) {
            // a leaf that came back, or a new one, is still being filled: not Ready until every copy is owned
            return new Step.Wait("Rebalancing", engine.partitionsNotOwning() + " partition copies are still moving to their owners");
        }
        if (!observed.sqlAnswers()) {
            return new Step.Wait("WaitingForSql", "waiting for SQL to answer through " + aggregators.get(0));
        }
        return new Step.Done("Ready", "SQL answers through the aggregators; " + leaves.size() + " leaves in the baseline");
    }

    private static Step suspend(Observed observed) {
        // aggregators first, so that clients see a clean refusal rather than a cluster missing its data
        List<NodeId> up = observed.nodes().keySet().stream().filter(observed::isUp)
                .sorted(Comparator.comparing(NodeId::isLeaf)).toList();
        if (!up.isEmpty()) {
            return new Step.StopNodes(up, "Suspending", "stopping " + names(up) + "; storage is kept");
        }
        return new Step.Done("Suspended", "every node is stopped; storage is kept");
    }

    static String names(List<NodeId> nodes) {
        return nodes.stream().map(NodeId::name).collect(Collectors.joining(", "));
    }
}

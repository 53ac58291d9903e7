package dev.canopy.core;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Builders of specs, observations and engine views for the planner and status tests. */
final class TestClusters {

    static final String CLUSTER = "orders";

    static final NodeId AG1_0 = NodeId.leaf(1, 0);
    static final NodeId AG1_1 = NodeId.leaf(1, 1);
    static final NodeId AG2_0 = NodeId.leaf(2, 0);
    static final NodeId AG2_1 = NodeId.leaf(2, 1);
    static final NodeId AG1_2 = NodeId.leaf(1, 2);
    static final NodeId AG2_2 = NodeId.leaf(2, 2);
    static final NodeId AGG_0 = NodeId.aggregator(0);
    static final NodeId AGG_1 = NodeId.aggregator(1);
    static final NodeId AGG_2 = NodeId.aggregator(2);

    /** The four leaves of the standard spec, in start order. */
    static final List<NodeId> LEAVES = List.of(AG1_0, AG1_1, AG2_0, AG2_1);
    static final Set<String> LEAF_NAMES = names(LEAVES);

    private TestClusters() {
    }

    /** Two leaves in each availability group, redundancy 2, one aggregator. */
    static DatabaseClusterSpec spec() {
        return spec(2, 1);
    }

    static DatabaseClusterSpec spec(int leavesPerGroup, int aggregators) {
        return new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(aggregators, 1.0),
                new LeavesSpec(leavesPerGroup, 1.0, 10, null), Map.of(), null);
    }

    static DatabaseClusterSpec suspended(DatabaseClusterSpec spec) {
        return spec.withSuspended(true);
    }

    static Set<String> names(Collection<NodeId> nodes) {
        return nodes.stream().map(NodeId::name).collect(Collectors.toCollection(TreeSet::new));
    }

    @SafeVarargs
    static List<NodeId> concat(Collection<NodeId>... parts) {
        return Stream.of(parts).flatMap(Collection::stream).toList();
    }

    /** A topology placing the spec's nodes and the extra ones, on made-up but stable ports. */
    static Topology topology(DatabaseClusterSpec spec, Collection<NodeId> extra) {
        Set<NodeId> all = new TreeSet<>(DesiredNodes.all(spec));
        all.addAll(extra);
        Map<NodeId, NodePlacement> placements = new LinkedHashMap<>();
        for (NodeId node : all) {
            int port = (node.isLeaf() ? 100 * node.availabilityGroup() : 900) + node.ordinal();
            placements.put(node, new NodePlacement(node, "10.0.0.1", 47000 + port, 48000 + port, 10000 + port,
                    "/data/" + node.name()));
        }
        return new Topology(CLUSTER, spec, placements);
    }

    /** Node states as a runtime would report them. */
    static Map<NodeId, NodeObservation> nodes(Map<NodeId, NodeState> states) {
        Map<NodeId, NodeObservation> nodes = new TreeMap<>();
        states.forEach((node, state) -> nodes.put(node, new NodeObservation(node, state, "2.17.0", "fp", 0)));
        return nodes;
    }

    static Map<NodeId, NodeState> all(Collection<NodeId> nodes, NodeState state) {
        Map<NodeId, NodeState> states = new TreeMap<>();
        nodes.forEach(n -> states.put(n, state));
        return states;
    }

    static Map<NodeId, NodeState> running(Collection<NodeId> nodes) {
        return all(nodes, NodeState.RUNNING);
    }

    @SafeVarargs
    static Map<NodeId, NodeState> merge(Map<NodeId, NodeState>... parts) {
        Map<NodeId, NodeState> merged = new TreeMap<>();
        for (Map<NodeId, NodeState> part : parts) {
            merged.putAll(part);
        }
        return merged;
    }

    /** The engine as seen through a running leaf: the nodes that joined, whether active, the baseline. */
    static EngineView view(boolean active, Collection<NodeId> joined, Collection<String> baseline) {
        return view(active, joined, baseline, active ? 0 : -1);
    }

    static EngineView view(boolean active, Collection<NodeId> joined, Collection<String> baseline, int partitionsNotOwning) {
        Set<String> servers = names(joined.stream().filter(NodeId::isLeaf).toList());
        Set<String> clients = names(joined.stream().filter(n -> !n.isLeaf()).toList());
        return new EngineView(true, active, servers, clients, new HashSet<>(baseline), partitionsNotOwning, "");
    }

    static Observed observed(DatabaseClusterSpec spec, Map<NodeId, NodeState> states, EngineView engine, boolean sql) {
        return new Observed(topology(spec, states.keySet()), nodes(states), engine, sql);
    }

    /** Everything of the standard spec up, joined, active, baselined, SQL answering. */
    static Observed healthy(DatabaseClusterSpec spec) {
        List<NodeId> all = DesiredNodes.all(spec);
        return observed(spec, running(all), view(true, all, names(DesiredNodes.leaves(spec))), true);
    }
}

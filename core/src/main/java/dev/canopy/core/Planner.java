package dev.canopy.core;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.RebalanceStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides the next safe step from the spec and what is observed. Pure: no I/O, the same input gives the same step.
 * <ul>
 * <li>Provision: leaves of both availability groups, activate, baseline, aggregators, then Ready once SQL answers.</li>
 * <li>Heal: a stopped leaf is started with its storage; a leaf away for longer than the policy allows is replaced
 * with empty storage; a crash-looping node with an outdated launch is restarted with the current one.</li>
 * <li>Scale: new leaves join the baseline once no rebalance runs; a leaf to remove is stopped, taken out of the
 * baseline, its partitions rebuilt on the others, and only then deleted, one at a time.</li>
 * <li>Upgrade: a new engine version stops every node and starts them all again (Ignite refuses mixed versions); any
 * other change of a node's launch rolls: AG1's leaves, AG2's, then aggregators one at a time, and never while a
 * partition moves or a node is away.</li>
 * </ul>
 */
public final class Planner {
    /** The reason of the step that restarts a leaf whose rebalance stalled. */
    public static final String REBALANCE_STALLED = "RebalanceStalled";

    private Planner() {
    }

    public static Step next(Observed observed) {
        return next(observed, PlannerPolicy.DEFAULTS);
    }

    public static Step next(Observed observed, PlannerPolicy policy) {
        DatabaseClusterSpec spec = observed.topology().spec();
        if (spec.isSuspended()) {
            return suspend(observed);
        }
        Rollout rollout = Rollout.of(observed);
        if (rollout.engineChange()) {
            boolean started = observed.nodes().values().stream()
                    .anyMatch(n -> n.release() != null && Release.sameEngine(n.release(), spec.release()));
            if (DatabaseClusterSpec.BLUE_GREEN.equals(spec.upgradeStrategy()) && !started) {
                // a region that upgrades blue/green never hands this planner an engine change it asked blue/green for
                return new Step.Blocked("BlueGreenUnavailable", "this region cannot upgrade blue/green (its engine has no change capture and switch-over):"
                        + " the cluster stays at " + rollout.otherEngineRelease().orElseThrow() + "; set spec.upgradeStrategy"
                        + " to CoordinatedRestart to upgrade with every node restarted at once, or leave it out for the"
                        + " region's default");
            }
            return stopForEngineChange(observed, rollout);
        }
        List<NodeId> leaves = DesiredNodes.leaves(spec);
        List<NodeId> missingLeaves = leaves.stream().filter(n -> !observed.isUp(n) && !observed.lostStorage(n)).toList();
        EngineView engine = observed.engine();
        if (!missingLeaves.isEmpty()) {
            return startLeaves(observed, missingLeaves);
        }
        List<NodeId> leavesAway = leaves.stream().filter(n -> !engine.joined(n)).toList();
        if (!engine.reachable()) {
            return new Step.Wait("LeavesJoining", "waiting for " + leaves.stream()
                    .map(n -> observed.node(n).map(Planner::away).orElse(n.name())).collect(Collectors.joining(", "))
                    + " to join (" + engine.detail() + ")");
        }
        // before a leaf whose storage is gone is taken out of the baseline: that would hide partitions it lost
        if (!engine.lostByTable().isEmpty()) {
            return lostPartitions(observed);
        }
        List<NodeId> lost = observed.nodes().keySet().stream().filter(observed::lostStorage).sorted().toList();
        if (!lost.isEmpty()) {
            return storageLost(observed, lost.get(0), leaves.contains(lost.get(0)));
        }
        List<NodeId> crashingStale = DesiredNodes.all(spec).stream()
                .filter(n -> observed.isCrashing(n) && observed.isStale(n))
                // a leaf only when it is the one leaf away and nothing moves: as the rolling restart would have it
                .filter(n -> !n.isLeaf() || leavesAway.equals(List.of(n)) && engine.partitionsNotOwning() <= 0)
                .toList();
        if (!crashingStale.isEmpty()) {
            // it keeps dying with an outdated launch: the spec that changed may be its fix, and it is down anyway
            return new Step.RestartNodes(crashingStale, "RestartingCrashedNodes",
                    "restarting " + names(crashingStale) + " with the current spec (crashing with the previous one)");
        }
        if (!leavesAway.isEmpty()) {
            return leavesAway(observed, policy, leavesAway, rollout);
        }
        if (!engine.active()) {
            return new Step.Activate("Activating", "activating the cluster on " + leaves.size() + " leaves");
        }
        Step storage = StorageLimit.next(observed, policy);
        if (storage != null) {
            return storage;
        }
        Step stalled = stalledRebalance(observed, policy);
        if (stalled != null) {
            return stalled;
        }
        Set<String> wanted = nameSet(leaves);
        List<NodeId> extraLeaves = extraLeaves(observed, wanted);
        if (!extraLeaves.isEmpty()) {
            return scaleIn(observed, extraLeaves);
        }
        if (!engine.baseline().equals(wanted)) {
            if (engine.partitionsNotOwning() > 0) {
                return new Step.Wait("Rebalancing", "waiting for " + engine.partitionsNotOwning()
                        + " partition copies to finish moving before changing the baseline (one rebalance at a time)" + detail(engine));
            }
            Set<String> adding = new TreeSet<>(wanted);
            adding.removeAll(engine.baseline());
            return new Step.SetBaseline(wanted, "SettingBaseline", "setting the baseline to " + String.join(", ", wanted)
                    + (adding.isEmpty() || engine.baseline().isEmpty() ? "" : "; partitions move to " + String.join(", ", adding)));
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
            return new Step.Wait(rollout.underway() ? "RollingRestart" : "AggregatorsJoining",
                    progress(rollout) + "waiting for " + aggregatorsAway.stream()
                            .map(n -> observed.node(n).map(Planner::away).orElse(n.name())).collect(Collectors.joining(", "))
                            + " to join");
        }
        if (engine.partitionsNotOwning() > 0) {
            // a leaf that came back, or a new one, is still being filled: not Ready until every copy is owned
            return new Step.Wait(rollout.underway() ? "RollingRestart" : "Rebalancing", progress(rollout)
                    + engine.partitionsNotOwning() + " partition copies are still moving to their owners" + detail(engine));
        }
        List<NodeId> notServing = aggregators.stream().filter(n -> !observed.serves(n)).toList();
        Optional<NodeId> silent = notServing.stream().filter(n -> observed.silentSince(n)
                .filter(since -> !since.plus(policy.restartSilentAggregatorAfter()).isAfter(observed.now())).isPresent()).findFirst();
        if (silent.isPresent()) {
            // nothing else restarts it: it is in the cluster, its process runs, and it may wait for good (a hung exchange)
            return new Step.RestartNodes(List.of(silent.get()), "RestartingSilentAggregator", "restarting " + silent.get()
                    + ": in the cluster, but SQL has not answered through it for "
                    + Duration.between(observed.silentSince(silent.get()).orElseThrow(), observed.now()).toSeconds() + " s");
        }
        if (!notServing.isEmpty()) {
            // an aggregator joins before its SQL listener serves: restarting the next one before would leave clients
            // with no aggregator to turn to
            return new Step.Wait(rollout.underway() ? "RollingRestart" : "WaitingForSql",
                    progress(rollout) + "waiting for SQL to answer through " + names(notServing));
        }
        if (rollout.inProgress() && !wholeInThePreviousPass(observed)) {
            // a leaf that has just rejoined can show its copies as owned before the partition exchange maps it: CI saw
            // the next leaf restarted 6 s after the first, and partitions LOST; one more pass that sees every node in
            // and nothing moving comes first
            return new Step.Wait("RollingRestart", progress(rollout) + "letting the cluster settle before the next restart");
        }
        if (rollout.inProgress()) {
            return rollingRestart(policy, rollout);
        }
        return new Step.Done("Ready", "SQL answers through the aggregators; " + leaves.size() + " leaves in the baseline");
    }

    /**
     * Starts the leaves that are not up. While no cluster has formed, a leaf that holds no data yet (one a scale-out
     * added, not in the last baseline seen) waits for the leaves of the baseline: started beside them it may form a
     * cluster of its own first, which they then cannot join ("Node with set up BaselineTopology is not allowed to
     * join"), and the cluster stays down.
     */
    private static Step startLeaves(Observed observed, List<NodeId> missing) {
        List<String> baseline = lastBaseline(observed);
        if (observed.engine().reachable()) {
            return new Step.StartNodes(missing, "StartingLeaves", "starting " + names(missing));
        }
        if (baseline.isEmpty() && !storedBefore(observed)) {
            return formFirstCluster(observed, missing);
        }
        List<NodeId> holdingData = missing.stream().filter(n -> baseline.contains(n.name())).toList();
        List<NodeId> empty = missing.stream().filter(n -> !baseline.contains(n.name())).toList();
        boolean baselineCanForm = baseline.stream().map(NodeId::parse).anyMatch(n -> !observed.lostStorage(n));
        if (empty.isEmpty() || !baselineCanForm) {
            return new Step.StartNodes(missing, "StartingLeaves", "starting " + names(missing));
        }
        String later = names(empty) + (empty.size() == 1 ? ", which holds" : ", which hold") + " no data yet, "
                + (empty.size() == 1 ? "starts" : "start") + " once the cluster has formed";
        if (!holdingData.isEmpty()) {
            return new Step.StartNodes(holdingData, "StartingLeaves", "starting " + names(holdingData) + " (the baseline) first; "
                    + later);
        }
        return new Step.Wait("LeavesJoining", "waiting for the baseline (" + String.join(", ", baseline) + ") to form the"
                + " cluster; " + later);
    }

    /**
     * A cluster that never formed starts one leaf, and the others once it answers: started together, a leaf can join the
     * first one before that one has made the engine's users (Ignite 2.17 makes the default superuser on the first
     * coordinator as it joins, and hands a joining leaf only the users it has then), and such a leaf refuses every
     * login, the platform's included, until it restarts; seen in CI as a cluster that never got past "waiting for the
     * leaves to join". The cost is one leaf's start (a few seconds) on provisioning only.
     */
    private static Step formFirstCluster(Observed observed, List<NodeId> missing) {
        List<NodeId> started = DesiredNodes.leaves(observed.topology().spec()).stream().filter(observed::isUp).toList();
        if (missing.size() == 1 && started.isEmpty()) {
            return new Step.StartNodes(missing, "StartingLeaves", "starting " + names(missing));
        }
        if (started.isEmpty()) {
            List<NodeId> later = missing.subList(1, missing.size());
            return new Step.StartNodes(List.of(missing.get(0)), "StartingLeaves", "starting " + missing.get(0).name()
                    + " first; " + names(later) + (later.size() == 1 ? " joins" : " join") + " the cluster it forms once it answers");
        }
        return new Step.Wait("LeavesJoining", "waiting for " + names(started) + " to form the cluster ("
                + observed.engine().detail() + "); " + names(missing) + (missing.size() == 1 ? " joins" : " join") + " it then");
    }

    /** Whether a leaf of the spec is known but not up: stopped with its storage, so the cluster formed before. */
    private static boolean storedBefore(Observed observed) {
        return DesiredNodes.leaves(observed.topology().spec()).stream()
                .anyMatch(n -> observed.node(n).isPresent() && !observed.isUp(n));
    }

    private static List<String> lastBaseline(Observed observed) {
        var previous = observed.previous();
        return previous == null || previous.leaves() == null ? List.of() : previous.leaves().baseline();
    }

    /** Every node at the old engine version stops at once, aggregators first; they all start again at the new one. */
    private static Step stopForEngineChange(Observed observed, Rollout rollout) {
        List<NodeId> up = observed.nodes().keySet().stream().filter(observed::isUp)
                .sorted(Comparator.comparing(NodeId::isLeaf).thenComparing(Comparator.naturalOrder())).toList();
        String from = rollout.otherEngineRelease().orElseThrow();
        String to = observed.topology().spec().release();
        return new Step.StopNodes(up, "CoordinatedRestart", "engine " + Release.engineVersion(from) + " -> "
                + Release.engineVersion(to) + " cannot roll (the engine refuses mixed versions): stopping " + names(up)
                + " to start them all at " + to + "; the cluster is offline until then");
    }

    private static Step leavesAway(Observed observed, PlannerPolicy policy, List<NodeId> away, Rollout rollout) {
        EngineView engine = observed.engine();
        DatabaseClusterSpec spec = observed.topology().spec();
        Duration downFor = degradedFor(observed);
        List<NodeId> baselineAway = away.stream().filter(n -> engine.baseline().contains(n.name())).toList();
        if (engine.active() && !baselineAway.isEmpty() && downFor.compareTo(policy.replaceDownLeafAfter()) >= 0) {
            Set<Integer> groups = baselineAway.stream().map(NodeId::availabilityGroup).collect(Collectors.toSet());
            if (spec.redundancyLevel() == 2 && groups.size() == 1) {
                int ag = groups.iterator().next();
                int other = 3 - ag;
                return new Step.ReplaceNodes(baselineAway, "ReplacingLeaves", names(baselineAway) + " did not come back within "
                        + policy.replaceDownLeafAfter().toSeconds() + " s: starting afresh with empty storage; AG" + other
                        + " holds a copy of every partition and refills it");
            }
        }
        List<String> parts = new ArrayList<>();
        for (NodeId node : away) {
            parts.add(observed.node(node).map(Planner::away).orElse(node.name()));
        }
        return new Step.Wait(rollout.underway() ? "RollingRestart" : "LeavesJoining",
                progress(rollout) + "waiting for " + String.join(", ", parts) + " to join");
    }

    /**
     * A leaf whose storage is gone must not rejoin under its identity while in the baseline: the engine would count it
     * an owner of partitions it no longer holds. Out of the baseline first; then it starts afresh (or, no longer
     * declared, is deleted) and the baseline step adds it back, which fills it from the other copies.
     */
    private static Step storageLost(Observed observed, NodeId node, boolean declared) {
        EngineView engine = observed.engine();
        if (engine.baseline().contains(node.name())) {
            if (!engine.active()) {
                return new Step.Wait("StorageLost", node + " lost its storage; waiting for the cluster to be active to take"
                        + " it out of the baseline");
            }
            Set<String> remaining = new TreeSet<>(engine.baseline());
            remaining.remove(node.name());
            return new Step.SetBaseline(remaining, "StorageLost", node + " lost its storage: taking it out of the baseline"
                    + " before it starts empty, so that it is refilled rather than trusted");
        }
        if (!declared) {
            return new Step.DeleteNodes(List.of(node), "StorageLost", "deleting " + node + ": it lost its storage and is no"
                    + " longer declared");
        }
        return new Step.ReplaceNodes(List.of(node), "StorageLost", "starting " + node + " afresh with empty storage; it"
                + " rejoins the baseline and is refilled once no partition moves");
    }

    /**
     * A rebalance that made no progress for the policy's time, with every baseline leaf in the cluster and every copy
     * not yet owned being filled in one availability group (none lost or evicted): the engine will not start it again
     * by itself. At redundancy 2 the other group then owns a copy of every partition, so stopping the leaf that fills
     * most of them (the next pass starts it with its storage) is safe and starts its rebalance afresh. It stays safe
     * where a runtime stops a group's leaves from the highest ordinal down to it (Kubernetes' StatefulSets): those are
     * of the same group. One leaf per stall, and the wait starts again.
     */
    private static Step stalledRebalance(Observed observed, PlannerPolicy policy) {
        EngineView engine = observed.engine();
        RebalanceStatus last = observed.previous() == null ? null : observed.previous().rebalance();
        if (last == null || observed.topology().spec().redundancyLevel() < 2 || !engine.onlyMoving()
                || last.copiesNotOwning() != engine.partitionsNotOwning() || !engine.serverNodes().containsAll(engine.baseline())
                || engine.movingByLeaf().keySet().stream().map(n -> NodeId.parse(n).availabilityGroup()).distinct().count() != 1) {
            return null;
        }
        Duration unchanged = Duration.between(Instant.parse(last.unchangedSince()), observed.now());
        if (unchanged.compareTo(policy.rebalanceStalledAfter()) < 0) {
            return null;
        }
        Map.Entry<String, Integer> most = engine.movingByLeaf().entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                .orElseThrow();
        NodeId leaf = NodeId.parse(most.getKey());
        if (!observed.isUp(leaf)) {
            return null;
        }
        return new Step.StopNodes(List.of(leaf), REBALANCE_STALLED, "no partition copy finished moving for "
                + unchanged.toSeconds() + " s (" + engine.detail() + "): restarting " + leaf + " with its storage to start"
                + " its rebalance again; its partitions' owners serve meanwhile");
    }

    /** How long the cluster has been degraded (some declared node away), by the previous status' Degraded condition. */
    private static Duration degradedFor(Observed observed) {
        if (observed.previous() == null) {
            return Duration.ZERO;
        }
        return observed.previous().condition(Condition.DEGRADED)
                .filter(Condition::isTrue)
                .map(c -> Duration.between(Instant.parse(c.lastTransitionTime()), observed.now()))
                .orElse(Duration.ZERO);
    }

    /** Leaves that exist or are in the baseline but are no longer declared: highest ordinals first, AG1 before AG2. */
    /**
     * Partitions with no owning copy: their rows cannot be read. When every leaf of the baseline is back with its
     * storage, the copies they brought are whole and the loss is reset (nothing is lost by it); otherwise the cluster
     * waits for them, saying which tables are unavailable, whose storage holds them, and what the user can do.
     */
    static Step lostPartitions(Observed observed) {
        EngineView engine = observed.engine();
        Set<String> offline = new TreeSet<>(engine.baseline());
        offline.removeAll(engine.serverNodes());
        List<NodeId> storageGone = observed.nodes().keySet().stream().filter(observed::lostStorage).sorted().toList();
        String lost = engine.lostSummary() + " have no copy in the cluster";
        Set<String> declared = nameSet(DesiredNodes.leaves(observed.topology().spec()));
        // an owner the spec no longer declares (a scale-in cut short by a crash) still has its storage: nothing else
        // starts it, and it is removed again, the safe way, once its partitions are whole
        List<NodeId> undeclaredWithStorage = offline.stream().filter(leaf -> !declared.contains(leaf)).map(NodeId::parse)
                .filter(n -> observed.node(n).map(o -> o.state() == NodeState.STOPPED).orElse(false)).toList();
        if (!undeclaredWithStorage.isEmpty()) {
            return new Step.StartNodes(undeclaredWithStorage, "PartitionsLost", lost + ": starting " + names(undeclaredWithStorage)
                    + ", which " + (undeclaredWithStorage.size() == 1 ? "holds" : "hold") + " copies of them; no longer"
                    + " declared, " + (undeclaredWithStorage.size() == 1 ? "it is" : "they are") + " removed again once"
                    + " every partition has its copies");
        }
        if (!offline.isEmpty() && offline.stream().allMatch(leaf -> observed.isUp(NodeId.parse(leaf)))) {
            return new Step.Wait("PartitionsLost", lost + ": waiting for " + String.join(", ", offline)
                    + ", which " + (offline.size() == 1 ? "holds" : "hold") + " their copies, to join");
        }
        if (!offline.isEmpty()) {
            return new Step.Blocked("PartitionsLost", lost + ": their copies are on " + String.join(", ", offline)
                    + ", which " + (offline.size() == 1 ? "is" : "are") + " offline. Bring " + (offline.size() == 1 ? "it" : "them")
                    + " back (restore leaves.count if the cluster was made smaller); their rows are read again once "
                    + (offline.size() == 1 ? "it is" : "they are") + " in the cluster");
        }
        if (!storageGone.isEmpty()) {
            return new Step.Blocked("PartitionsLost", lost + " and the storage of " + names(storageGone) + " is gone: resetting"
                    + " the loss would serve those partitions empty. Restore the cluster from a backup, or accept the loss");
        }
        return new Step.ResetLostPartitions("ResettingLostPartitions", lost + ", but every leaf of the baseline is back"
                + " with its storage: declaring their copies owned again (no row is lost by it)");
    }

    private static List<NodeId> extraLeaves(Observed observed, Set<String> wanted) {
        Set<NodeId> extra = new TreeSet<>();
        observed.engine().baseline().stream().filter(n -> !wanted.contains(n)).map(NodeId::parse).forEach(extra::add);
        observed.nodes().keySet().stream().filter(n -> n.isLeaf() && !wanted.contains(n.name())).forEach(extra::add);
        return extra.stream().sorted(Comparator.comparingInt(NodeId::ordinal).reversed()
                .thenComparingInt(NodeId::availabilityGroup)).toList();
    }

    /**
     * Removes one leaf: stop it (the engine refuses to drop a live node from the baseline), take it out of the
     * baseline so its partitions are rebuilt on the remaining leaves of its group, wait until they are, delete it.
     */
    private static Step scaleIn(Observed observed, List<NodeId> extra) {
        EngineView engine = observed.engine();
        NodeId target = extra.get(0);
        String counting = " (" + extra.size() + (extra.size() == 1 ? " leaf" : " leaves") + " left to remove)";
        boolean inBaseline = engine.baseline().contains(target.name());
        if (inBaseline && observed.topology().spec().redundancyLevel() < 2) {
            return new Step.Blocked("ScaleInWouldLoseData", "cannot remove " + names(extra)
                    + ": at redundancyLevel 1 each leaf holds the only copy of its partitions, and the engine cannot move"
                    + " them off a running node; restore leaves.count");
        }
        Set<String> othersOffline = new TreeSet<>(engine.baseline());
        othersOffline.removeAll(engine.serverNodes());
        othersOffline.remove(target.name());
        if (inBaseline && !othersOffline.isEmpty()) {
            return new Step.Blocked("ScaleInUnsafe", "not removing " + target + " while " + String.join(", ", othersOffline)
                    + " is down: stopping it now could leave partitions with no copy; waiting for the cluster to be whole");
        }
        if (engine.partitionsNotOwning() > 0) {
            return new Step.Wait("ScalingIn", engine.partitionsNotOwning() + " partition copies still moving"
                    + (inBaseline ? " before " + target + " is removed" : " off " + target) + counting + detail(engine));
        }
        if (inBaseline && observed.isUp(target)) {
            return new Step.StopNodes(List.of(target), "ScalingIn", "stopping " + target
                    + " before moving its partitions to the other leaves of " + target.availabilityGroupLabel() + counting);
        }
        if (inBaseline) {
            Set<String> remaining = new TreeSet<>(engine.baseline());
            remaining.remove(target.name());
            return new Step.SetBaseline(remaining, "ScalingIn", "removing " + target + " from the baseline; its partitions"
                    + " are rebuilt on the other leaves of " + target.availabilityGroupLabel() + counting);
        }
        return new Step.DeleteNodes(List.of(target), "ScalingIn", "deleting " + target
                + " and its storage: its partitions have moved" + counting);
    }

    /** Restarts the next stale node(s): the cluster is whole, balanced and answering. */
    private static Step rollingRestart(PlannerPolicy policy, Rollout rollout) {
        NodeId first = rollout.stale().get(0);
        List<NodeId> batch = first.isLeaf() && policy.wholeAvailabilityGroup()
                ? rollout.stale().stream().filter(n -> n.isLeaf() && n.availabilityGroup() == first.availabilityGroup()).toList()
                : List.of(first);
        int from = rollout.restarted() + 1;
        int to = rollout.restarted() + batch.size();
        return new Step.RestartNodes(batch, "RollingRestart", "restarting " + names(batch) + " ("
                + (from == to ? from : from + "-" + to) + " of " + rollout.total() + ")");
    }

    /** A node that has not joined, with what its runtime says of it: crashed, or waiting for something to run. */
    static String away(NodeObservation seen) {
        return switch (seen.state()) {
            case RESTARTING -> crashed(seen);
            case PENDING -> seen.describe();
            default -> seen.node().name();
        };
    }

    static String crashed(NodeObservation seen) {
        String times = seen.restarts() > 1 ? "crashed, restarted " + seen.restarts() + " times" : "crashed, restarting";
        return seen.node().name() + " (" + times + (seen.detail() == null ? "" : "; " + seen.detail()) + ")";
    }

    /** The previous pass saw every declared node in the cluster and no copy moving (no history: nothing to wait for). */
    private static boolean wholeInThePreviousPass(Observed observed) {
        var previous = observed.previous();
        if (previous == null || previous.leaves() == null || previous.aggregators() == null) {
            return true;
        }
        return previous.leaves().ready() == previous.leaves().total()
                && previous.aggregators().ready() == previous.aggregators().total() && previous.rebalance() == null;
    }

    /** Where the copies that are not owned yet are, and in which state, when the engine said. */
    private static String detail(EngineView engine) {
        return engine.detail().isEmpty() ? "" : " (" + engine.detail() + ")";
    }

    private static String progress(Rollout rollout) {
        return rollout.underway() ? "rolling restart, " + rollout.restarted() + " of " + rollout.total() + " restarted: " : "";
    }

    private static Step suspend(Observed observed) {
        // aggregators first, so that clients see a clean refusal rather than a cluster missing its data
        List<NodeId> up = observed.nodes().keySet().stream().filter(observed::isUp)
                .sorted(Comparator.comparing(NodeId::isLeaf).thenComparing(Comparator.naturalOrder())).toList();
        if (!up.isEmpty()) {
            return new Step.StopNodes(up, "Suspending", "stopping " + names(up) + "; storage is kept");
        }
        return new Step.Done("Suspended", "every node is stopped; storage is kept");
    }

    static String names(List<NodeId> nodes) {
        return nodes.stream().map(NodeId::name).collect(Collectors.joining(", "));
    }

    static Set<String> nameSet(List<NodeId> nodes) {
        return nodes.stream().map(NodeId::name).collect(Collectors.toCollection(TreeSet::new));
    }
}

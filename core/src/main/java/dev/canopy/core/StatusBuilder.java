package dev.canopy.core;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.api.RebalanceStatus;
import dev.canopy.api.UpgradeStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/** Computes the status from what was observed and the step chosen. Pure, given the clock's reading. */
public final class StatusBuilder {

    private StatusBuilder() {
    }

    public static DatabaseClusterStatus build(DatabaseClusterStatus previous, long generation, Observed observed, Step step,
                                              Instant now) {
        DatabaseClusterSpec spec = observed.topology().spec();
        EngineView engine = observed.engine();
        List<NodeId> leaves = DesiredNodes.leaves(spec);
        List<NodeId> aggregators = DesiredNodes.aggregators(spec);
        int leavesReady = (int) leaves.stream().filter(engine::joined).count();
        int aggregatorsReady = (int) aggregators.stream().filter(engine::joined).count();
        boolean done = step instanceof Step.Done;
        // the release is recorded by Ready passes only: a step that failed during the first provisioning (an activation
        // that timed out and is retried) must not make the cluster look like one that was Ready and is now degraded; a
        // cluster coming back from a suspend provisions until Ready
        boolean everReady = previous != null && previous.release() != null && previous.phase() != Phase.Provisioning;

        List<NodeId> down = new ArrayList<>();
        // nodes coming back from a suspend are provisioning, not down (the same as the phase above); a new node of a
        // scale-out is not down either: a leaf is down when it is in the baseline but away, an aggregator when it crashed
        if (everReady && previous.phase() != Phase.Suspended && !spec.isSuspended()) {
            leaves.stream().filter(n -> !engine.joined(n) && (engine.baseline().contains(n.name()) || !engine.reachable()
                    || observed.lostStorage(n))).forEach(down::add);
            aggregators.stream().filter(n -> !engine.joined(n) && observed.node(n).map(o -> o.restarts() > 0
                    || o.state() == NodeState.RESTARTING).orElse(false)).forEach(down::add);
        }
        Rollout rollout = Rollout.of(observed);
        boolean upgrading = rollout.underway();
        Phase phase;
        if (spec.isSuspended()) {
            phase = Phase.Suspended;
        } else if (done) {
            phase = Phase.Ready;
        } else if (step instanceof Step.Failed) {
            phase = Phase.Failed;
        } else if (!everReady) {
            phase = Phase.Provisioning;
        } else if (previous.phase() == Phase.Suspended) {
            phase = Phase.Provisioning;
        } else if (!engine.lostByTable().isEmpty()) {
            phase = Phase.Degraded;
        } else if (upgrading) {
            phase = Phase.Upgrading;
        } else if (down.isEmpty() && scaling(observed, leaves, aggregators)) {
            phase = Phase.Scaling;
        } else {
            phase = Phase.Degraded;
        }

        List<Condition> conditions = new ArrayList<>();
        boolean ready = done && !spec.isSuspended();
        conditions.add(condition(previous, Condition.READY, ready, step.reason(), step.message(), now));
        Condition progressing = condition(previous, Condition.PROGRESSING, !done && !(step instanceof Step.Blocked)
                && !(step instanceof Step.Failed), step.reason(), done ? "nothing to do" : step.message(), now);
        // the count as data: the next pass that fails counts on from it (Reconciler.failed)
        conditions.add(step instanceof Step.Retrying retrying ? progressing.withAttempts(retrying.attempt()) : progressing);
        conditions.add(degraded(previous, observed, down, now));
        conditions.add(redundancy(previous, spec, engine, now));
        conditions.add(balanced(previous, engine, now));
        dataAvailable(previous, engine, step, now).ifPresent(conditions::add);
        readOnly(previous, engine, step, now).ifPresent(conditions::add);

        String release = ready ? spec.release() : previous == null ? null : previous.release();
        // only declared aggregators: one being removed must not be handed to new clients
        List<String> addresses = observed.topology().aggregators().stream().filter(p -> aggregators.contains(p.node()))
                .map(NodePlacement::sqlAddress).toList();
        Endpoints endpoints = addresses.isEmpty() || spec.isSuspended() ? null
                : new Endpoints(Topology.jdbcUrl(addresses), addresses);
        return new DatabaseClusterStatus(phase, conditions, generation,
                new NodeCounts(aggregatorsReady, aggregators.size()), new NodeCounts(leavesReady, leaves.size(), baseline(previous, engine),
                        storageUsed(observed, leaves)),
                release, endpoints, upgrade(previous, observed, rollout, done, now), rebalance(previous, engine, step, now));
    }

    /** What each leaf's storage takes, by leaf, where the runtime measures it (see {@link StorageLimit}). */
    static Map<String, Long> storageUsed(Observed observed, List<NodeId> leaves) {
        Map<String, Long> used = new TreeMap<>();
        for (NodeId leaf : leaves) {
            observed.node(leaf).filter(n -> n.storageBytes() >= 0).ifPresent(n -> used.put(leaf.name(), n.storageBytes()));
        }
        return used;
    }

    /** The engine's baseline when it answers, else the one last seen: kept for a cold start (see the planner). */
    static List<String> baseline(DatabaseClusterStatus previous, EngineView engine) {
        if (engine.reachable()) {
            return engine.baseline().stream().sorted().toList();
        }
        return previous == null || previous.leaves() == null ? List.of() : previous.leaves().baseline();
    }

    /**
     * Whether a node the spec declares is away, said as it is: not in the cluster (the engine said so), crash-looping (its
     * runtime said so, during provisioning too), or unknown because no node answered the platform's admin calls; nodes
     * still starting (a pod not placed, an image not pulled) are not degraded but are not called up either.
     */
    static Condition degraded(DatabaseClusterStatus previous, Observed observed, List<NodeId> down, Instant now) {
        DatabaseClusterSpec spec = observed.topology().spec();
        EngineView engine = observed.engine();
        if (spec.isSuspended()) {
            return condition(previous, Condition.DEGRADED, false, "Suspended", "suspended: every node is stopped, by request", now);
        }
        List<NodeId> declared = new ArrayList<>(DesiredNodes.leaves(spec));
        declared.addAll(DesiredNodes.aggregators(spec));
        List<NodeId> crashing = declared.stream().filter(n -> !engine.joined(n) && !down.contains(n) && observed.isCrashing(n))
                .toList();
        if (!down.isEmpty() && !engine.reachable()) {
            return condition(previous, Condition.DEGRADED, true, "EngineNotAnswering", "no node answered the platform's admin "
                    + "calls, so whether " + Planner.names(down) + " are in the cluster is unknown: " + engine.detail(), now);
        }
        // the same leaves RedundancyMet counts offline: a baseline leaf the spec no longer declares is down too while its
        // copies are missing (one source of truth for who is up)
        Set<String> offlineUndeclared = new TreeSet<>();
        if (engine.reachable() && engine.active()) {
            offlineUndeclared.addAll(engine.baseline());
            offlineUndeclared.removeAll(engine.serverNodes());
            declared.forEach(n -> offlineUndeclared.remove(n.name()));
        }
        if (!down.isEmpty() || !crashing.isEmpty() || !offlineUndeclared.isEmpty()) {
            List<String> parts = new ArrayList<>();
            if (!down.isEmpty()) {
                parts.add(Planner.names(down) + " not in the cluster");
            }
            if (!offlineUndeclared.isEmpty()) {
                parts.add(String.join(", ", offlineUndeclared) + " (in the baseline, no longer in the spec) not in the cluster");
            }
            crashing.forEach(n -> parts.add(observed.node(n).map(Planner::crashed).orElse(n.name())));
            return condition(previous, Condition.DEGRADED, true, "NodesDown", String.join("; ", parts), now);
        }
        List<String> starting = declared.stream().filter(n -> !engine.joined(n))
                .map(n -> observed.node(n).map(o -> o.state() == NodeState.PENDING ? o.describe() : n.name()).orElse(n.name()))
                .toList();
        if (!starting.isEmpty()) {
            return condition(previous, Condition.DEGRADED, false, "NodesStarting", String.join(", ", starting)
                    + " not up yet", now);
        }
        return condition(previous, Condition.DEGRADED, false, "AllNodesUp", "every node is up", now);
    }

    /**
     * Keeps the time since which the number of copies not yet owned has stayed the same: any change of it (a partition
     * owned, a node back with more to fill) starts the count again, and so does restarting a stalled leaf, which gets
     * the whole wait to show progress.
     */
    static RebalanceStatus rebalance(DatabaseClusterStatus previous, EngineView engine, Step step, Instant now) {
        if (!engine.reachable() || engine.partitionsNotOwning() <= 0) {
            return null;
        }
        RebalanceStatus last = previous == null ? null : previous.rebalance();
        boolean restartedStalled = step instanceof Step.StopNodes && Planner.REBALANCE_STALLED.equals(step.reason());
        if (last == null || last.copiesNotOwning() != engine.partitionsNotOwning() || restartedStalled) {
            return new RebalanceStatus(engine.partitionsNotOwning(), now.toString());
        }
        return last;
    }

    /**
     * Starts an upgrade record when nodes first need a restart, keeps its progress, and closes it when the cluster is
     * Ready again; a coordinated restart records how long SQL was unavailable.
     */
    static UpgradeStatus upgrade(DatabaseClusterStatus previous, Observed observed, Rollout rollout, boolean done, Instant now) {
        UpgradeStatus last = previous == null ? null : previous.upgrade();
        if (last != null && last.inProgress() && UpgradeStatus.BLUE_GREEN.equals(last.strategy())) {
            // the region keeps a blue/green upgrade's record itself (BlueGreen.Progress): this pass is one of its deployments'
            return last;
        }
        String target = observed.topology().spec().release();
        if (last == null || !last.inProgress()) {
            if (!rollout.inProgress() || observed.topology().spec().isSuspended()) {
                return last;
            }
            String from = rollout.otherEngineRelease()
                    .orElse(previous == null || previous.release() == null ? target : previous.release());
            String strategy = rollout.engineChange() ? UpgradeStatus.COORDINATED_RESTART : UpgradeStatus.ROLLING_RESTART;
            last = new UpgradeStatus(from, target, strategy, now.toString(), null, rollout.total(), 0, null);
        }
        int restarted = last.strategy().equals(UpgradeStatus.COORDINATED_RESTART) && !rollout.engineChange()
                ? last.nodesToRestart() : Math.max(last.nodesRestarted(), rollout.restarted());
        if (!done) {
            // rollout.total() already keeps the larger of the recorded total and what is stale now
            return new UpgradeStatus(last.fromRelease(), target, last.strategy(), last.startedAt(), null,
                    rollout.total(), restarted, null);
        }
        double offline = last.strategy().equals(UpgradeStatus.COORDINATED_RESTART)
                ? Duration.between(Instant.parse(last.startedAt()), now).toMillis() / 1000.0 : 0.0;
        return new UpgradeStatus(last.fromRelease(), target, last.strategy(), last.startedAt(), now.toString(),
                last.nodesToRestart(), last.nodesToRestart(), offline);
    }

    /** Nodes to add or remove: they exist but are not declared, or are declared but not yet in the cluster. */
    private static boolean scaling(Observed observed, List<NodeId> leaves, List<NodeId> aggregators) {
        Set<NodeId> existing = new TreeSet<>(observed.nodes().keySet());
        Set<NodeId> desired = new TreeSet<>(leaves);
        desired.addAll(aggregators);
        EngineView engine = observed.engine();
        return !existing.equals(desired) || engine.reachable() && !engine.baseline().equals(Planner.nameSet(leaves))
                || desired.stream().anyMatch(n -> !engine.joined(n));
    }

    private static Condition redundancy(DatabaseClusterStatus previous, DatabaseClusterSpec spec, EngineView engine, Instant now) {
        if (!engine.reachable() || !engine.active()) {
            return condition(previous, Condition.REDUNDANCY_MET, null, "NotActive", "the cluster is not active", now);
        }
        Set<String> offline = new TreeSet<>(engine.baseline());
        offline.removeAll(engine.serverNodes());
        if (!offline.isEmpty()) {
            return condition(previous, Condition.REDUNDANCY_MET, false, "BaselineNodesOffline",
                    String.join(", ", offline) + " offline: " + (spec.redundancyLevel() == 2
                            ? "their partitions have one copy" : "their partitions are unavailable"), now);
        }
        if (engine.partitionsNotOwning() > 0) {
            return condition(previous, Condition.REDUNDANCY_MET, false, "Rebalancing",
                    engine.partitionsNotOwning() + " partition copies are still being filled", now);
        }
        return condition(previous, Condition.REDUNDANCY_MET, true, "AllCopiesOwned",
                "every partition has " + spec.redundancyLevel() + (spec.redundancyLevel() == 1 ? " copy" : " copies, one in each availability group"), now);
    }

    /** Said from the first loss on: whether every partition has an owning copy, and if not, which tables lack one. */
    private static Optional<Condition> dataAvailable(DatabaseClusterStatus previous, EngineView engine, Step step, Instant now) {
        return fromTheFirstTimeOn(previous, Condition.DATA_AVAILABLE, !engine.lostByTable().isEmpty(), () -> {
            String message = "PartitionsLost".equals(step.reason()) || step instanceof Step.ResetLostPartitions ? step.message()
                    : engine.lostSummary() + " have no copy in the cluster: their rows cannot be read or written";
            return condition(previous, Condition.DATA_AVAILABLE, false, "PartitionsLost", message, now);
        }, engine.reachable(), () -> condition(previous, Condition.DATA_AVAILABLE, true, "AllPartitionsOwned",
                "every partition has an owning copy", now));
    }

    /**
     * Said from the first fence on: a fenced cluster looks Ready, yet every write fails. Why it is read-only: a leaf's
     * storage full (the platform made it so, see {@link StorageLimit}), else a fence.
     */
    private static Optional<Condition> readOnly(DatabaseClusterStatus previous, EngineView engine, Step step, Instant now) {
        if (step instanceof Step.SetReadOnly set) {
            return Optional.of(set.readOnly()
                    ? condition(previous, Condition.READ_ONLY, true, set.reason(), set.message(), now)
                    : condition(previous, Condition.READ_ONLY, false, "TakesWrites", "the cluster takes writes", now));
        }
        Optional<Condition> storageFull = previous == null ? Optional.empty()
                : previous.condition(Condition.READ_ONLY).filter(c -> c.isTrue() && StorageLimit.FULL.equals(c.reason()));
        if (engine.readOnly() && storageFull.isPresent()) {
            return storageFull;
        }
        return fromTheFirstTimeOn(previous, Condition.READ_ONLY, engine.readOnly(), () -> condition(previous,
                Condition.READ_ONLY, true, "Fenced", "the cluster takes no writes (fenced: a replica was promoted away from it,"
                        + " or an upgrade switched its clients elsewhere); reads answer, writes fail with \"Cluster in"
                        + " read-only mode\"", now),
                engine.reachable() && engine.active(), () -> condition(previous, Condition.READ_ONLY, false, "TakesWrites",
                        "the cluster takes writes", now));
    }

    /**
     * A condition a cluster carries only once something went wrong: absent until then (most clusters never lose a
     * partition nor are fenced), said while it is so, and afterwards said to be over whenever the engine can tell
     * ({@code known}); while it cannot, the condition is left out rather than guessed.
     */
    private static Optional<Condition> fromTheFirstTimeOn(DatabaseClusterStatus previous, String type, boolean wrongNow,
                                                          Supplier<Condition> wrong, boolean known, Supplier<Condition> over) {
        if (wrongNow) {
            return Optional.of(wrong.get());
        }
        boolean reported = previous != null && previous.condition(type).isPresent();
        return reported && known ? Optional.of(over.get()) : Optional.empty();
    }

    private static Condition balanced(DatabaseClusterStatus previous, EngineView engine, Instant now) {
        if (!engine.reachable() || engine.partitionsNotOwning() < 0) {
            return condition(previous, Condition.BALANCED, null, "Unknown", "partition states are not known", now);
        }
        if (engine.partitionsNotOwning() > 0) {
            return condition(previous, Condition.BALANCED, false, "Rebalancing",
                    engine.partitionsNotOwning() + " partition copies not yet owning", now);
        }
        return condition(previous, Condition.BALANCED, true, "AllPartitionsOwning", "no partition is moving", now);
    }

    /** A condition whose transition time stays that of the previous one while its status is unchanged. */
    public static Condition condition(DatabaseClusterStatus previous, String type, Boolean value, String reason, String message,
                               Instant now) {
        String status = value == null ? Condition.UNKNOWN : value ? Condition.TRUE : Condition.FALSE;
        String since = previous == null ? null : previous.condition(type)
                .filter(c -> c.status().equals(status)).map(Condition::lastTransitionTime).orElse(null);
        return new Condition(type, status, reason, message, since != null ? since : now.toString());
    }
}

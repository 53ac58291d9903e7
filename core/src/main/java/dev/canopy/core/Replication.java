package dev.canopy.core;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * When a cluster's changes stream to a target, decided apart from the I/O: {@link #plan} is pure, {@link #apply} makes
 * the runtime match it.
 *
 * <p>Rules: without a target, or with the cluster suspended, or with a spec whose leaves do not capture changes, no
 * capture runs. Otherwise each declared leaf that runs has a capture beside it, rendered for the target; a capture
 * beside a leaf that is no longer declared (scaled in) stops. A leaf that is down keeps the capture it had (it waits for
 * the leaf and goes on reading what the leaf archived), and gets one once it runs.
 */
public final class Replication {

    private Replication() {
    }

    /**
     * What to do: the captures to start (with their launch) and to stop, and a sentence on the state reached.
     * {@code streaming} says whether the plan's end state streams changes to a target.
     */
    public record Plan(Map<NodeId, NodeLaunch> start, Set<NodeId> stop, boolean streaming, String state) {

        public Plan {
            start = Map.copyOf(start);
            stop = Set.copyOf(stop);
        }

        /** Whether the runtime already matches the plan. */
        public boolean idle() {
            return start.isEmpty() && stop.isEmpty();
        }
    }

    /**
     * @param source  the cluster, with the placement of its declared nodes
     * @param nodes   the cluster's nodes as the runtime sees them
     * @param target  where its changes go, if anywhere
     * @param running the captures that are wanted now: leaf to fingerprint
     */
    public static Plan plan(Topology source, Map<NodeId, NodeObservation> nodes, Optional<ReplicationTarget> target,
                            Map<NodeId, String> running, ChangeCapture engine) {
        if (target.isEmpty()) {
            return off(running, "not replicated");
        }
        if (source.spec().isSuspended()) {
            return off(running, "suspended: no change to stream until it resumes");
        }
        if (!engine.capturesChanges(source.spec())) {
            return off(running, "cannot stream to " + target.get().cluster() + ": " + engine.notCapturingReason());
        }
        if (target.get().held()) {
            return off(running, "capturing changes for " + target.get().cluster() + ", held until its copy is done");
        }
        Set<NodeId> declared = new TreeSet<>(DesiredNodes.leaves(source.spec()));
        Map<NodeId, NodeLaunch> start = new TreeMap<>();
        for (NodeId leaf : declared) {
            NodeObservation observed = nodes.get(leaf);
            if (observed == null || observed.state() != NodeState.RUNNING) {
                continue;
            }
            NodeLaunch launch = engine.renderCapture(source, leaf, target.get());
            if (!launch.fingerprint().equals(running.get(leaf))) {
                start.put(leaf, launch);
            }
        }
        Set<NodeId> stop = new TreeSet<>(running.keySet());
        stop.removeAll(declared);
        long streaming = declared.stream().filter(leaf -> running.containsKey(leaf) || start.containsKey(leaf)).count();
        return new Plan(start, stop, true, "streaming to " + target.get().cluster() + " from " + streaming + " of "
                + declared.size() + " leaves");
    }

    /**
     * Whether every declared leaf of the source runs with change capture on: its spec captures, and each leaf runs the
     * launch rendered from it (a leaf still at its launch from before capture was turned on does not count).
     *
     * @param nodes the source's nodes as the runtime sees them
     */
    public static boolean leavesCapture(Topology source, Map<NodeId, NodeObservation> nodes, Engine engine, ChangeCapture capture) {
        if (!capture.capturesChanges(source.spec())) {
            return false;
        }
        return DesiredNodes.leaves(source.spec()).stream().allMatch(leaf -> {
            NodeObservation seen = nodes.get(leaf);
            return seen != null && seen.state() == NodeState.RUNNING
                    && engine.render(source, leaf).fingerprint().equals(seen.fingerprint());
        });
    }

    private static Plan off(Map<NodeId, String> running, String state) {
        return new Plan(Map.of(), running.keySet(), false, state);
    }

    /** Makes the runtime match the plan: stops first, then starts. */
    public static void apply(String cluster, Plan plan, Captures captures) {
        plan.stop().forEach(leaf -> captures.stopCapture(cluster, leaf));
        plan.start().forEach((leaf, launch) -> captures.startCapture(cluster, leaf, launch));
    }
}

package dev.canopy.core;

import dev.canopy.api.DatabaseClusterStatus;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the planner decides from: the topology (spec and placements), what the runtime sees of each node,
 * what the engine sees from inside, whether SQL answers through an aggregator, the fingerprint each declared node
 * would be started with under the current spec, the status written by the previous pass (null at first) and the
 * time of this observation.
 */
public record Observed(Topology topology, Map<NodeId, NodeObservation> nodes, EngineView engine, Set<NodeId> serving,
                       Map<NodeId, String> desiredFingerprints, DatabaseClusterStatus previous, Instant now,
                       Map<NodeId, Instant> silentSince) {

    public Observed {
        nodes = Map.copyOf(nodes);
        serving = Set.copyOf(serving);
        desiredFingerprints = Map.copyOf(desiredFingerprints);
        silentSince = Map.copyOf(silentSince);
    }

    /** With no aggregator seen silent before (see {@link #silentSince(NodeId)}). */
    public Observed(Topology topology, Map<NodeId, NodeObservation> nodes, EngineView engine, Set<NodeId> serving,
                    Map<NodeId, String> desiredFingerprints, DatabaseClusterStatus previous, Instant now) {
        this(topology, nodes, engine, serving, desiredFingerprints, previous, now, Map.of());
    }

    /**
     * Since when the aggregator has been in the active cluster and routed without SQL answering through it, as the
     * passes in a row that saw it so tell (a restart of the platform starts counting again); empty when it serves.
     */
    public Optional<Instant> silentSince(NodeId aggregator) {
        return Optional.ofNullable(silentSince.get(aggregator));
    }

    /**
     * An observation in which every node runs as the spec wants it (nothing to roll), with no history; SQL answers
     * through every joined aggregator, or through none.
     */
    public Observed(Topology topology, Map<NodeId, NodeObservation> nodes, EngineView engine, boolean sqlAnswers) {
        this(topology, nodes, engine, sqlAnswers ? nodes.keySet().stream().filter(n -> !n.isLeaf() && engine.joined(n))
                        .collect(Collectors.toSet()) : Set.of(),
                nodes.values().stream().filter(n -> n.fingerprint() != null)
                        .collect(Collectors.toMap(NodeObservation::node, NodeObservation::fingerprint)), null, Instant.EPOCH);
    }

    /** Whether SQL answers through at least one aggregator. */
    public boolean sqlAnswers() {
        return !serving.isEmpty();
    }

    /** Whether SQL answers through this aggregator: joining the cluster comes before its SQL listener serves. */
    public boolean serves(NodeId aggregator) {
        return serving.contains(aggregator);
    }

    public Optional<NodeObservation> node(NodeId id) {
        return Optional.ofNullable(nodes.get(id));
    }

    /** Started: running, waiting to run, or being brought back by its runtime (starting it again would change nothing). */
    public boolean isUp(NodeId id) {
        return node(id).map(n -> n.state() == NodeState.RUNNING || n.state() == NodeState.PENDING
                || n.state() == NodeState.RESTARTING).orElse(false);
    }

    /** It died with its storage: see {@link NodeState#STORAGE_LOST}. */
    public boolean lostStorage(NodeId id) {
        return node(id).map(n -> n.state() == NodeState.STORAGE_LOST).orElse(false);
    }

    /** Its process died and its runtime is bringing it back. */
    public boolean isCrashing(NodeId id) {
        return node(id).map(n -> n.state() == NodeState.RESTARTING).orElse(false);
    }

    /** Up, and started with something other than what the current spec asks for: it needs a restart. */
    public boolean isStale(NodeId id) {
        String desired = desiredFingerprints.get(id);
        return isUp(id) && desired != null && node(id).map(NodeObservation::fingerprint)
                .filter(f -> !f.equals(desired)).isPresent();
    }
}

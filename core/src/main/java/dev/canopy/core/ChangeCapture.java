package dev.canopy.core;

import dev.canopy.api.DatabaseClusterSpec;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The engine's side of change data capture: whether a spec makes its cluster a source, how a capture runs, and the
 * heartbeat its captures measure their lag by.
 */
public interface ChangeCapture {

    /** Whether the cluster's leaves capture their changes (its spec makes it a replication source). */
    boolean capturesChanges(DatabaseClusterSpec spec);

    /** Why a cluster whose leaves do not capture changes cannot be replicated, naming the spec's field. */
    String notCapturingReason();

    /** The capture process beside a leaf of the source, streaming to these addresses. Pure. */
    NodeLaunch renderCapture(Topology source, NodeId leaf, List<String> targetAddresses);

    /**
     * The same, knowing the target's name (its deployment in the region), for an engine whose captures log in to the
     * target with the platform's login to it. Pure.
     */
    default NodeLaunch renderCapture(Topology source, NodeId leaf, ReplicationTarget target) {
        return renderCapture(source, leaf, target.addresses());
    }

    /** Writes the time into the source, for its captures to measure the lag by when they apply it; never throws. */
    void heartbeat(Topology source);

    /**
     * Up to when, in the source's time, the target holds the source's changes: the oldest of the newest heartbeats the
     * captures beside its declared leaves applied. Empty until every one of them applied one. It trails the truth by up
     * to the interval between heartbeats, so {@code now - replicatedUpTo} bounds the data a failover would lose.
     */
    Optional<Instant> replicatedUpTo(Topology source);

    /**
     * The same, read from the target: the oldest of the heartbeats it holds (each slot of the heartbeat reaches it
     * through the capture of the leaf that owns it). Needs only the target's client addresses, so it works where the
     * captures' own state cannot be read (on Kubernetes, inside the leaves' pods). Empty until every slot arrived.
     */
    default Optional<Instant> replicatedUpTo(Topology source, Topology target) {
        return replicatedUpTo(source);
    }
}

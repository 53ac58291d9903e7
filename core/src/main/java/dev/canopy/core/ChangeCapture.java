package dev.canopy.core;

import dev.canopy.api.DatabaseClusterSpec;

import java.util.List;

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

    /** Writes the time into the source, for its captures to measure the lag by when they apply it; never throws. */
    void heartbeat(Topology source);
}

package dev.canopy.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Where nodes live: local processes or Kubernetes pods. Every call is idempotent. */
public interface Runtime {

    /** Placements of the given nodes, allocated on first call and the same on every later one. */
    Map<NodeId, NodePlacement> place(String cluster, Collection<NodeId> nodes);

    /** Every node of the cluster that exists (running or holding storage). */
    List<NodeObservation> observe(String cluster);

    /** Starts a node (or restarts it with a new launch); a no-op when it already runs with that fingerprint. */
    void start(String cluster, NodeId node, NodeLaunch launch);

    /** Stops the node if it runs, deletes its storage, and starts it afresh with the same identity and placement. */
    void replace(String cluster, NodeId node, NodeLaunch launch);

    /** Stops a node and keeps its storage: gracefully, then by force after a timeout. */
    void stop(String cluster, NodeId node);

    /** Stops a node and deletes its storage and placement. */
    void delete(String cluster, NodeId node);
}

package dev.canopy.core;

import java.util.Map;

/**
 * Change-data-capture processes beside a cluster's leaves, on a runtime that supports them: each reads its leaf's
 * write-ahead log and streams the leaf's changes to a target. Every call is idempotent.
 */
public interface Captures {

    /** Starts the capture beside a leaf (or restarts it with a new launch); a no-op when it runs with that launch. */
    void startCapture(String cluster, NodeId leaf, NodeLaunch launch);

    /** Stops the capture beside a leaf; its progress stays in the leaf's storage, so a later start resumes. */
    void stopCapture(String cluster, NodeId leaf);

    /** The captures of the cluster that are wanted (running, or being restarted by their supervisor): leaf to fingerprint. */
    Map<NodeId, String> captures(String cluster);
}

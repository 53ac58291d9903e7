package dev.canopy.core;

/**
 * A node as its runtime sees it: its state, the release and fingerprint it was started with (null when this runtime
 * has not started it), and how often it was restarted after dying.
 */
public record NodeObservation(NodeId node, NodeState state, String release, String fingerprint, int restarts) {
}

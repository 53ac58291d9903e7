package dev.canopy.core;

/** A node as its runtime sees it: its state, the fingerprint it was started with, and how often it was restarted. */
public record NodeObservation(NodeId node, NodeState state, String fingerprint, int restarts) {
}

package dev.canopy.core;

/**
 * A node as its runtime sees it: its state, the release and fingerprint it was started with (null when this runtime
 * has not started it), how often it was restarted after dying, in one line what the runtime knows of why it does not
 * run (null when it runs, or when nothing is known), and whether the runtime routes clients to it (Kubernetes: its pod
 * is Ready, so the SQL Service lists it; local processes: the node says it has finished starting), and the bytes a leaf's
 * storage takes on disk (-1 where the runtime does not measure it: on Kubernetes the volume's size is its limit).
 */
public record NodeObservation(NodeId node, NodeState state, String release, String fingerprint, int restarts, String detail,
                              boolean routed, long storageBytes) {

    public NodeObservation(NodeId node, NodeState state, String release, String fingerprint, int restarts, String detail,
                           boolean routed) {
        this(node, state, release, fingerprint, restarts, detail, routed, -1);
    }

    public NodeObservation(NodeId node, NodeState state, String release, String fingerprint, int restarts, String detail) {
        this(node, state, release, fingerprint, restarts, detail, true);
    }

    public NodeObservation(NodeId node, NodeState state, String release, String fingerprint, int restarts) {
        this(node, state, release, fingerprint, restarts, null);
    }

    /** The node's name, with why it does not run when the runtime said. */
    public String describe() {
        return detail == null || detail.isBlank() ? node.name() : node.name() + " (" + detail + ")";
    }
}

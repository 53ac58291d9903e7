package dev.canopy.core;

/** What a runtime sees of a node's process or pod, before asking the engine whether it has joined. */
public enum NodeState {
    /** The process runs; the engine says whether it has joined the cluster. */
    RUNNING,
    /** It died without being asked to and its runtime is bringing it back. */
    RESTARTING,
    /** Not running, by request; its storage is kept. */
    STOPPED
}

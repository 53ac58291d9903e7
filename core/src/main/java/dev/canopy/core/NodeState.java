package dev.canopy.core;

/** What a runtime sees of a node's process or pod, before asking the engine whether it has joined. */
public enum NodeState {
    /** The process runs; the engine says whether it has joined the cluster. */
    RUNNING,
    /**
     * Started, but not running yet: its pod is still to be made or placed, or its image, volume or init container is
     * not ready. The observation's {@code detail} says what it waits for (a pod the scheduler cannot place, an image
     * that cannot be pulled): not up, and not crashed either.
     */
    PENDING,
    /** It died without being asked to and its runtime is bringing it back. */
    RESTARTING,
    /** Not running, by request; its storage is kept. */
    STOPPED,
    /**
     * It died and its storage is gone: its runtime does not bring it back, because a leaf that rejoins empty under its
     * old identity while in the baseline is trusted as an owner of data it no longer has. The planner takes it out of
     * the baseline first, then starts it afresh and adds it back, so that it is refilled.
     */
    STORAGE_LOST
}

package dev.canopy.runtime.local;

/** Whether the node processes a runtime starts end with it or outlive it. */
public enum NodeLifetime {
    /**
     * A node stops when the runtime that started it goes, even by kill -9 (it watches standard input, which the runtime
     * holds open): for tests and tools, which must leave no process behind.
     */
    ENDS_WITH_RUNTIME,
    /**
     * The data plane outlives the platform: a node keeps serving when the platform dies, and the next runtime on the
     * same directory adopts it. A graceful close still stops every node it supervises.
     */
    OUTLIVES_RUNTIME
}

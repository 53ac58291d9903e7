package dev.canopy.engine.ignite;

/**
 * Turns a node's height into memory. One height is {@code megabytesPerHeight} of memory (4096 on Kubernetes, less on
 * one machine where many nodes share it); a leaf gives half to the heap and a quarter to its data region, leaving the
 * rest to the JVM and the OS page cache that persistence leans on.
 */
public record Sizing(int megabytesPerHeight) {
    static final int MIN_HEAP_MB = 256;
    static final int MIN_REGION_MB = 128;

    /** One machine: every node of a cluster shares it, so one height is 1 GiB. */
    public static Sizing local() {
        return new Sizing(1024);
    }

    public static Sizing kubernetes() {
        return new Sizing(4096);
    }

    public int heapMb(double height) {
        return Math.max(MIN_HEAP_MB, (int) (megabytesPerHeight * height / 2));
    }

    public int dataRegionMb(double height) {
        return Math.max(MIN_REGION_MB, (int) (megabytesPerHeight * height / 4));
    }
}

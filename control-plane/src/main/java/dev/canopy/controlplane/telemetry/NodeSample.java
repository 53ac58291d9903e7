package dev.canopy.controlplane.telemetry;

/** One engine node as Ignite's {@code SYS.NODES} and {@code SYS.NODE_METRICS} show it; CPU load from 0 to 1. */
public record NodeSample(String id, String consistentId, boolean client, double cpuLoad, long heapUsedBytes,
                         long heapMaxBytes) {
}

package dev.canopy.controlplane.store;

import java.time.Instant;

/**
 * One telemetry sample of a cluster as the store keeps it: its JSON, when it was taken, and an id that grows in the order
 * the samples were written (0 in one to write).
 */
public record StoredSample(long id, String organization, String cluster, Instant sampledAt, String json) {
}

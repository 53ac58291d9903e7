package dev.canopy.controlplane.clusters;

/** POST /clusters/{name}/upgrade. */
public record UpgradeRequest(String release) {
}

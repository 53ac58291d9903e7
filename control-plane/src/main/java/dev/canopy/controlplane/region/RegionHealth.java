package dev.canopy.controlplane.region;

/** Whether the control plane can reach the region, and why not. */
public record RegionHealth(boolean healthy, String message) {
}

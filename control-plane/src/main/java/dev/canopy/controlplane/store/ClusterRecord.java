package dev.canopy.controlplane.store;

import dev.canopy.api.DatabaseClusterSpec;

import java.time.Instant;

/**
 * A cluster's desired state as the control plane keeps it. {@code generation} is the region's (it grows with each
 * spec change the region accepted); {@code resourceVersion} grows with every change of this record and is the ETag.
 */
public record ClusterRecord(String organization, String name, String region, String regionName,
                            DatabaseClusterSpec spec, long generation, long resourceVersion,
                            Instant createdAt, Instant updatedAt) {
}

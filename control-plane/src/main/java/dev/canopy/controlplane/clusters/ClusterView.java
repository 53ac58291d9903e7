package dev.canopy.controlplane.clusters;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;

import java.time.Instant;

/**
 * A cluster as the API shows it: the desired spec, the region's status (absent until its reconciler's first pass),
 * and where to connect. {@code phase} repeats the status's, or says {@code Pending} before the first pass.
 */
public record ClusterView(String name, String region, long generation, long resourceVersion, String phase,
                          String jdbcUrl, DatabaseClusterSpec spec, DatabaseClusterStatus status, Boolean deleting,
                          Instant createdAt, Instant updatedAt, Instant statusStaleSince) {
    public static final String PENDING = "Pending";
}

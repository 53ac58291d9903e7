package dev.canopy.region.local;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;

/**
 * A cluster as the local region stores it: the desired spec with its generation (bumped on every spec change), the
 * last status the reconciler wrote, and whether its deletion was asked for.
 */
public record StoredCluster(String name, long generation, DatabaseClusterSpec spec, DatabaseClusterStatus status,
                            boolean deleting) {
}

package dev.canopy.controlplane.region;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;

/** A cluster as its region holds it: the spec and generation it runs towards, and the status its reconciler wrote. */
public record RegionCluster(String name, long generation, DatabaseClusterSpec spec, DatabaseClusterStatus status,
                            boolean deleting) {
}

package dev.canopy.region.local;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;

/**
 * A cluster as the local region stores it: the desired spec with its generation (bumped on every spec change), the
 * last status the reconciler wrote, and whether its deletion was asked for.
 *
 * @param damage null, or why a file of its record cannot be read, in one line naming the file: the record is then
 *               damaged, and the region neither reconciles the cluster nor (unless its deletion was asked for) deletes
 *               it; {@code status} is Failed, its Ready condition {@link ClusterStore#RECORD_DAMAGED} saying what to do;
 *               {@code spec} is null when the manifest is the damaged file, and {@code generation} 0 when the spec or
 *               the generation cannot be read
 */
public record StoredCluster(String name, long generation, DatabaseClusterSpec spec, DatabaseClusterStatus status,
                            boolean deleting, String damage) {

    public boolean damaged() {
        return damage != null;
    }
}

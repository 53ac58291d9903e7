package dev.canopy.backup;

import dev.canopy.api.DatabaseClusterSpec;

/** The shape of the cluster a backup was taken from, so that a restore can tell whether its data fits elsewhere. */
public record BackupTopology(int aggregators, int leavesPerGroup, int redundancyLevel, double leafHeight, int leafStorageGB) {

    public static BackupTopology of(DatabaseClusterSpec spec) {
        return new BackupTopology(spec.aggregators().count(), spec.leaves().count(), spec.redundancyLevel(),
                spec.leaves().height(), spec.leaves().storageGB());
    }

    public int leaves() {
        return 2 * leavesPerGroup;
    }
}

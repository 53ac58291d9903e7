package dev.canopy.backup;

import dev.canopy.api.DatabaseClusterSpec;

import java.util.Optional;

/**
 * Whether a backup's data fits a cluster: its storage, all leaves together, must hold the backup's data with the new
 * cluster's copies. A backup's size counts every copy it was taken with (each leaf writes the partitions it holds,
 * backups included), so the data is size / old redundancy, and it takes data × new redundancy.
 */
public final class RestoreFit {
    static final long GIB = 1024L * 1024 * 1024;

    private RestoreFit() {
    }

    /** Empty when it fits; otherwise why not. */
    public static Optional<String> problem(BackupRecord backup, DatabaseClusterSpec target) {
        if (!backup.isGood()) {
            return Optional.of("backup " + backup.id() + " is " + backup.state() + (backup.reason() == null ? "" : " (" + backup.reason() + ")")
                    + ": only a Succeeded backup can be restored");
        }
        long data = backup.sizeBytes() / Math.max(1, backup.topology().redundancyLevel());
        long needed = data * target.redundancyLevel();
        long capacity = (long) target.leaves().storageGB() * GIB * 2 * target.leaves().count();
        if (needed > capacity) {
            return Optional.of("the backup needs " + gib(needed) + " GiB with " + target.redundancyLevel() + " copies, but "
                    + 2 * target.leaves().count() + " leaves of " + target.leaves().storageGB() + " GiB hold " + gib(capacity)
                    + " GiB: give more leaves or more storageGB");
        }
        return Optional.empty();
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (double) GIB);
    }
}

package dev.canopy.backup;

import dev.canopy.core.Snapshots;
import dev.canopy.core.Topology;

import java.nio.file.Path;
import java.util.List;

/**
 * Restores a backup into a running, empty cluster: its files from the destination into a staging directory every leaf
 * can read, the engine's restore, then every table's rows counted against the backup's record.
 */
public final class Restorer {
    private final Snapshots snapshots;
    private final Path staging;

    public Restorer(Snapshots snapshots, Path staging) {
        this.snapshots = snapshots;
        this.staging = staging;
    }

    /** Returns once the cluster holds the backup's rows; throws, saying why, otherwise. */
    public void restore(Topology target, Destination from, BackupRecord backup) {
        Path directory = staging.resolve("restore-" + target.cluster() + "-" + backup.id());
        try {
            DirectoryDestination.deleteTree(directory);
            from.download(backup.id(), directory);
            snapshots.restore(target, backup.snapshot(), directory);
        } finally {
            DirectoryDestination.deleteTree(directory);
        }
        List<String> mismatches = RowCheck.mismatches(backup, snapshots.tableRows(target));
        if (!mismatches.isEmpty()) {
            throw new IllegalStateException("the restored rows differ from backup " + backup.id() + ": " + String.join("; ", mismatches));
        }
    }
}

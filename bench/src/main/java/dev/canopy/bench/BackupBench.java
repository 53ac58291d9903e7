package dev.canopy.bench;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.BackupDestinationSpec;
import dev.canopy.api.ClusterManifest;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.api.RestoreSource;
import dev.canopy.backup.BackupRecord;
import dev.canopy.region.local.RegionBackups;
import dev.canopy.backup.RestoreState;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.canopy.bench.BenchSupport.RELEASE;
import static dev.canopy.bench.BenchSupport.STEP_TIMEOUT;
import static dev.canopy.bench.BenchSupport.awaitWhole;
import static dev.canopy.bench.BenchSupport.log;

/**
 * Figure 8: backup and region-to-region restore of {@value #MEGABYTES} MB of rows. Region A's cluster (1 aggregator,
 * 1 leaf per AG, height 1) is backed up to A's own directory (snapshot, copy, record); region B (another data
 * directory, as a region elsewhere would be) restores that backup into a new cluster of 2 leaves per AG and checks
 * every table's rows before it turns Ready. Rates are the backup's bytes (both copies of every partition, as the
 * snapshot holds them) per second; the floor is this machine's disk copying a file of that size with fsync.
 * The rows are counted and summed after the restore: a lost row fails the benchmark.
 */
final class BackupBench implements FigureGroup {
    /** {@code -Dcanopy.bench.backupMb} for development. */
    static final int MEGABYTES = Integer.getInteger("canopy.bench.backupMb", 256);

    @Override
    public String name() {
        return "backup";
    }

    private static DatabaseClusterSpec spec(int leavesPerGroup) {
        return new DatabaseClusterSpec(RELEASE, 2, new AggregatorsSpec(1, 1.0),
                new LeavesSpec(leavesPerGroup, 1.0, 4, null), Map.of(), false);
    }

    @Override
    public void run(int run, Path dir, Runs runs) throws Exception {
        BackupRecord backup;
        Path regionA = dir.resolve("region-a");
        try (BenchRegion a = new BenchRegion(regionA, true)) {
            DatabaseClusterStatus ready = awaitWhole(a, a.apply("bench", spec(1)));
            ScaleOutBench.load(ready.endpoints().jdbcUrl(), "kept", MEGABYTES);
            backup = a.region.backups().orElseThrow().backup("bench");
            if (!backup.isGood()) {
                throw new IllegalStateException("backup failed: " + backup.reason());
            }
            double megabytes = backup.sizeBytes() / 1e6;
            log("backup %s: %.0f MB in %d ms", backup.id(), megabytes, backup.durationMs());
            runs.record("backup-ms", backup.durationMs());
            runs.record("backup-mbps", round(megabytes / (backup.durationMs() / 1000.0)));
            runs.record("backup-disk-copy-mbps", ScaleOutBench.diskCopyRate(dir.resolve("copy"), (int) Math.ceil(megabytes)));
        }
        // region A is gone (its nodes stopped); its backup directory is what a region elsewhere would read
        try (BenchRegion b = new BenchRegion(dir.resolve("region-b"), true)) {
            RestoreSource source = new RestoreSource(backup.id(), new BackupDestinationSpec(RegionBackups.defaultDirectory(regionA).toString(), null));
            DatabaseClusterSpec restored = spec(2);
            long asked = System.nanoTime();
            b.region.backups().orElseThrow().checkRestore(source, restored);
            long generation = b.store.applyRestore(new ClusterManifest("bench", restored), b.runtime.releases().available(), source).generation();
            long restoring = 0;
            long restoredAt = 0;
            long deadline = asked + STEP_TIMEOUT.toNanos();
            while (true) {
                RestoreState state = b.store.restore("bench").orElseThrow();
                if (state.stage() == RestoreState.Stage.Failed) {
                    throw new IllegalStateException("restore failed: " + state.reason());
                }
                if (restoring == 0 && state.stage() != RestoreState.Stage.Pending) {
                    restoring = System.nanoTime();
                }
                if (restoredAt == 0 && state.stage() == RestoreState.Stage.Restored) {
                    restoredAt = System.nanoTime();
                }
                DatabaseClusterStatus status = b.status("bench").orElse(null);
                if (status != null && status.phase() == Phase.Ready && status.observedGeneration() == generation && restoredAt != 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the restored cluster is not Ready after " + STEP_TIMEOUT + ": " + state + ", " + status);
                }
                BenchSupport.sleep(java.time.Duration.ofMillis(20));
            }
            double recovery = BenchSupport.millisSince(asked);
            double restoreSeconds = (restoredAt - restoring) / 1e9;
            ScaleOutBench.verify(b.status("bench").orElseThrow().endpoints().jdbcUrl(), "kept", ScaleOutBench.rows(MEGABYTES), "after the restore");
            log("restore: %.1f s of %.0f s from asked to Ready", restoreSeconds, recovery / 1000);
            runs.record("restore-mbps", round(backup.sizeBytes() / 1e6 / restoreSeconds));
            runs.record("recovery-ms", recovery);
        }
    }

    @Override
    public List<Figure> figures(Runs runs) {
        String data = MEGABYTES + " MB of rows, redundancy 2";
        String floor = "floor: this machine's disk, a file of the backup's size copied in the same directory with fsync";
        return List.of(
                new Figure("Backup of " + data + " (1 leaf per AG) to a directory: snapshot, copy, record; MB of the backup (every copy) per second",
                        "MB/s", runs.get("backup-mbps"), floor, runs.get("backup-disk-copy-mbps")),
                new Figure("Restore of that backup in another local region into 2 leaves per AG: MB per second", "MB/s",
                        runs.get("restore-mbps"), floor, runs.get("backup-disk-copy-mbps")),
                new Figure("Region-to-region recovery time: restore asked in region B to Ready with every table's rows checked (nodes started, restore, check)",
                        "ms", runs.get("recovery-ms"), "includes starting 1 aggregator and 4 leaves; the restore itself is the figure above", List.of()),
                new Figure("Region-to-region recovery point beyond the schedule's interval: the backup's duration (writes after its snapshot are not in it)",
                        "ms", runs.get("backup-ms"), "recovery point = schedule interval + this, at most", List.of()));
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}

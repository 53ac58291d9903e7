package dev.canopy.region.local;

import dev.canopy.backup.RestoreState;
import dev.canopy.core.AheadClock;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.ClusterManifest;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.api.RestoreSource;
import dev.canopy.backup.BackupRecord;
import dev.canopy.backup.BackupState;
import dev.canopy.core.Snapshots;
import dev.canopy.core.Topology;
import dev.canopy.runtime.local.LocalRuntime;
import dev.canopy.runtime.local.ReleaseCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The region's schedule, retention, requests and restores, over the real store and catalog with an engine whose
 * snapshots are small files (no node starts; the Ignite side is {@link BackupRestoreProcessesTest}'s).
 */
class LocalBackupsTest {
    private static final List<String> RELEASES = List.of("2.17.0");

    @TempDir
    Path dataDir;
    private final AheadClock clock = AheadClock.fixedAt(Instant.parse("2026-11-25T00:00:00Z"));
    private final FileSnapshots snapshots = new FileSnapshots();
    private ClusterStore store;
    private LocalRuntime runtime;
    private LocalBackups backups;

    @BeforeEach
    void setUp() {
        store = new ClusterStore(dataDir);
        runtime = new LocalRuntime(dataDir, ReleaseCatalog.fromSystemProperties());
        backups = new LocalBackups(store, runtime, snapshots, clock);
    }

    @AfterEach
    void tearDown() {
        backups.close();
        runtime.close();
    }

    private static DatabaseClusterSpec spec(BackupSpec backup) {
        return new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.25), new LeavesSpec(1, 0.25, 1, null), Map.of(), null, backup);
    }

    private void ready(String cluster) {
        store.writeStatus(cluster, new DatabaseClusterStatus(Phase.Ready, List.of(), 1L, new NodeCounts(1, 1), new NodeCounts(2, 2),
                "2.17.0", null, null));
    }

    @Test
    void theScheduleTakesBackupsAndRetentionKeepsTheNewest() throws java.io.IOException {
        store.apply(new ClusterManifest("orders", spec(new BackupSpec("1h", 2, null))), RELEASES);
        backups.pass();
        assertThat(backups.records("orders")).as("nothing while the cluster is not Ready").isEmpty();

        ready("orders");
        backups.pass();
        backups.pass();
        assertThat(backups.records("orders")).hasSize(1).allMatch(BackupRecord::isGood);
        clock.moveAhead(Duration.ofMinutes(59));
        backups.pass();
        assertThat(backups.records("orders")).hasSize(1);
        clock.moveAhead(Duration.ofMinutes(1));
        backups.pass();
        clock.moveAhead(Duration.ofHours(1));
        backups.pass();
        List<BackupRecord> kept = backups.records("orders");
        assertThat(kept).extracting(BackupRecord::id).satisfiesExactly(
                id -> assertThat(id).startsWith("orders-20261125-010000-"), id -> assertThat(id).startsWith("orders-20261125-020000-"));
        Path directory = RegionBackups.defaultDirectory(dataDir);
        try (var left = java.nio.file.Files.list(directory)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("the oldest deleted")
                    .noneMatch(name -> name.startsWith("orders-20261125-000000"));
        }
        assertThat(directory.resolve(kept.get(1).id()).resolve("backup.json")).exists();
    }

    @Test
    void anAskedForBackupOfAClusterNotReadyFailsSayingWhy() {
        store.apply(new ClusterManifest("orders", spec(null)), RELEASES);
        assertThat(store.requestBackup("orders")).isTrue();
        backups.pass();
        assertThat(store.backupRequested("orders")).isFalse();
        BackupRecord record = backups.records("orders").getFirst();
        assertThat(record.state()).isEqualTo(BackupState.Failed);
        assertThat(record.reason()).isEqualTo("the cluster is not yet observed: a backup needs a Ready cluster, every leaf up");
        assertThat(store.requestBackup("nothing")).isFalse();
    }

    /** A damaged record's spec (its schedule, its destination) is unknown: its request waits for the repair, alone. */
    @Test
    void aDamagedRecordKeepsItsRequestAndHoldsUpNoOtherBackup() throws IOException {
        for (String name : List.of("alpha", "orders")) {
            store.apply(new ClusterManifest(name, spec(null)), RELEASES);
            ready(name);
            assertThat(store.requestBackup(name)).isTrue();
        }
        Path manifest = store.clusterDir("alpha").resolve("manifest.yaml");
        Files.writeString(manifest, Files.readString(manifest).substring(0, 40));

        backups.pass();

        assertThat(backups.records("orders")).singleElement().matches(BackupRecord::isGood);
        assertThat(backups.records("alpha")).isEmpty();
        assertThat(store.backupRequested("alpha")).isTrue();
    }

    @Test
    void aRestoredClusterIsReadyOnlyOnceItsRowsMatch() {
        store.apply(new ClusterManifest("orders", spec(null)), RELEASES);
        ready("orders");
        snapshots.rows.put("PUBLIC.T", 7L);
        BackupRecord backup = backups.backup("orders");
        assertThat(backup.isGood()).isTrue();

        RestoreSource source = new RestoreSource(backup.id(), null);
        new RegionBackups(store).restore(new ClusterManifest("copy", spec(null)), RELEASES, source);
        DatabaseClusterStatus raw = new DatabaseClusterStatus(Phase.Ready, List.of(), 1L, new NodeCounts(1, 1), new NodeCounts(2, 2),
                "2.17.0", null, null);
        DatabaseClusterStatus shown = backups.observed("copy", raw, null);
        assertThat(shown.phase()).isEqualTo(Phase.Provisioning);
        assertThat(shown.condition(Condition.READY).orElseThrow().reason()).isEqualTo("Restoring");
        await().atMost(Duration.ofSeconds(10)).until(() -> store.restore("copy").orElseThrow().stage() == RestoreState.Stage.Restored);
        assertThat(snapshots.restored).containsExactly("copy");
        assertThat(backups.observed("copy", raw, shown).phase()).isEqualTo(Phase.Ready);

        // rows that differ from the record fail the restored cluster
        new RegionBackups(store).restore(new ClusterManifest("bad", spec(null)), RELEASES, source);
        snapshots.rows.put("PUBLIC.T", 6L);
        backups.observed("bad", raw, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.restore("bad").orElseThrow().stage() == RestoreState.Stage.Failed);
        DatabaseClusterStatus failed = backups.observed("bad", raw, null);
        assertThat(failed.phase()).isEqualTo(Phase.Failed);
        assertThat(failed.condition(Condition.READY).orElseThrow().message()).isEqualTo("restoring backup " + backup.id()
                + " failed: the restored rows differ from backup " + backup.id() + ": PUBLIC.T: 6 rows, backup has 7");
    }

    /** A snapshot is one file per leaf; a restore only notes which cluster asked. */
    private static final class FileSnapshots implements Snapshots {
        final Map<String, Long> rows = new TreeMap<>();
        final List<String> restored = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void create(Topology topology, String name, Path directory) {
            try {
                for (var leaf : topology.leaves()) {
                    Path part = directory.resolve(name).resolve(leaf.node().name());
                    Files.createDirectories(part.getParent());
                    Files.writeString(part, rows.toString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public List<String> missingParts(Topology topology, String name, Path directory) {
            return topology.leaves().stream().map(leaf -> leaf.node().name())
                    .filter(leaf -> !Files.exists(directory.resolve(name).resolve(leaf))).toList();
        }

        @Override
        public void restore(Topology topology, String name, Path directory) {
            assertThat(directory.resolve(name)).isDirectory();
            restored.add(topology.cluster());
        }

        @Override
        public Set<String> offlineLeaves(Topology topology) {
            return Set.of();
        }

        @Override
        public Map<String, Long> tableRows(Topology topology) {
            return Map.copyOf(rows);
        }
    }
}

package dev.canopy.backup;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.S3DestinationSpec;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;

import java.net.ServerSocket;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupTakerTest {
    private static final DatabaseClusterSpec SPEC = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5),
            new LeavesSpec(1, 0.5, 1, null), Map.of(), null);

    @TempDir
    Path work;
    private final FakeSnapshots snapshots = new FakeSnapshots();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T03:00:00Z"), ZoneOffset.UTC);

    static Topology topology(String cluster, DatabaseClusterSpec spec) {
        Map<NodeId, NodePlacement> placements = new HashMap<>();
        int port = 20000;
        for (NodeId node : DesiredNodes.all(spec)) {
            placements.put(node, new NodePlacement(node, "127.0.0.1", port++, port++, port++, "/nowhere/" + node.name()));
        }
        return new Topology(cluster, spec, placements);
    }

    @Test
    void aGoodBackupHasItsFilesRowsSizeAndTopologyAndLeavesNoStaging() {
        snapshots.rows.put("PUBLIC.ORDERS", 5L);
        DirectoryDestination destination = new DirectoryDestination(work.resolve("backups"));
        BackupRecord record = new BackupTaker(snapshots, work.resolve("staging"), clock).take(topology("orders", SPEC), destination, "orders-1");

        assertThat(record.state()).isEqualTo(BackupState.Succeeded);
        assertThat(record.isGood()).isTrue();
        assertThat(record.tableRows()).isEqualTo(Map.of("PUBLIC.ORDERS", 5L));
        assertThat(record.sizeBytes()).isPositive();
        assertThat(record.release()).isEqualTo("2.17.0");
        assertThat(record.topology()).isEqualTo(new BackupTopology(1, 1, 2, 0.5, 1));
        assertThat(record.destination()).isEqualTo("directory " + work.resolve("backups"));
        assertThat(destination.record("orders-1")).contains(record);
        assertThat(work.resolve("backups/orders-1/files/orders_1/db/leaf-ag1-0/part-0.bin")).exists();
        assertThat(work.resolve("staging/orders-1")).doesNotExist();

        new Restorer(snapshots, work.resolve("staging")).restore(topology("restored", SPEC), destination, record);
        assertThat(snapshots.restoredFrom).doesNotExist();
    }

    @Test
    void aSnapshotTheEngineRefusesIsAFailedBackupWithTheEnginesReasonAndNoFiles() {
        snapshots.createFailure = new IllegalStateException("could not take snapshot orders-1: leaf-ag1-0: exit code 4: Snapshot operation has been rejected");
        DirectoryDestination destination = new DirectoryDestination(work.resolve("backups"));
        BackupRecord record = new BackupTaker(snapshots, work.resolve("staging"), clock).take(topology("orders", SPEC), destination, "orders-1");

        assertThat(record.state()).isEqualTo(BackupState.Failed);
        assertThat(record.isGood()).isFalse();
        assertThat(record.reason()).isEqualTo("could not take snapshot orders-1: leaf-ag1-0: exit code 4: Snapshot operation has been rejected");
        assertThat(destination.record("orders-1")).contains(record);
        assertThat(work.resolve("backups/orders-1/files")).doesNotExist();
        assertThat(RestoreFit.problem(record, SPEC)).isPresent();
    }

    @Test
    void aLeafAwayIsAFailedBackupNamingIt() {
        snapshots.offline.add("leaf-ag2-0");
        DirectoryDestination destination = new DirectoryDestination(work.resolve("backups"));
        BackupRecord record = new BackupTaker(snapshots, work.resolve("staging"), clock).take(topology("orders", SPEC), destination, "orders-1");
        assertThat(record.state()).isEqualTo(BackupState.Failed);
        assertThat(record.reason()).isEqualTo("leaf-ag2-0 is down: a backup needs every leaf of the cluster");
        assertThat(work.resolve("backups/orders-1/files")).doesNotExist();
    }

    @Test
    void aSnapshotWithoutALeafsPartIsAFailedBackupNamingIt() {
        snapshots.partMissing = "leaf-ag2-0";
        DirectoryDestination destination = new DirectoryDestination(work.resolve("backups"));
        BackupRecord record = new BackupTaker(snapshots, work.resolve("staging"), clock).take(topology("orders", SPEC), destination, "orders-1");
        assertThat(record.state()).isEqualTo(BackupState.Failed);
        assertThat(record.reason()).isEqualTo("snapshot orders_1 has no part from leaf-ag2-0 (away during the snapshot): a backup needs every leaf's part");
        assertThat(work.resolve("backups/orders-1/files")).doesNotExist();
    }

    /**
     * The destination's disk fills up half-way through the copy: a real file system that runs out of space (Jimfs,
     * in memory, with a 1 MiB limit), not a thrown exception. The backup is Failed with the file system's reason, and
     * the part already copied is removed, so that nothing half-written is left for a restore to find.
     */
    @Test
    void aFullDestinationDiskIsAFailedBackupWithNothingHalfWrittenLeft() throws Exception {
        snapshots.padding = 600 * 1024;
        try (FileSystem small = Jimfs.newFileSystem(Configuration.unix().toBuilder().setMaxSize(1024 * 1024).build())) {
            DirectoryDestination destination = new DirectoryDestination(small.getPath("/backups"));
            BackupRecord record = new BackupTaker(snapshots, work.resolve("staging"), clock).take(topology("orders", SPEC), destination, "orders-1");

            assertThat(record.state()).isEqualTo(BackupState.Failed);
            assertThat(record.reason()).startsWith("cannot copy the backup to /backups/orders-1/files: ").contains("out of disk space");
            assertThat(small.getPath("/backups/orders-1/files")).as("the part copied before the disk filled").doesNotExist();
            assertThat(destination.record("orders-1")).as("recorded as failed once the space is freed").contains(record);
            assertThat(destination.records()).noneMatch(BackupRecord::isGood);
            assertThat(work.resolve("staging/orders-1")).doesNotExist();
        }
    }

    @Test
    void anUnreachableDestinationIsAFailedBackupNamingIt() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (S3Destination down = S3Destination.open(new S3DestinationSpec("http://127.0.0.1:" + port, "backups", "p", null, null),
                Optional.of(S3ProxyServer.credentials()))) {
            BackupRecord record = new BackupTaker(snapshots, work.resolve("staging"), clock).take(topology("orders", SPEC), down, "orders-1");
            assertThat(record.state()).isEqualTo(BackupState.Failed);
            assertThat(record.reason()).startsWith("could not write the record of backup orders-1 in s3://backups/p at http://127.0.0.1:" + port);
        }
    }

    @Test
    void aRestoreWhoseRowsDifferFromTheRecordFails() {
        snapshots.rows.put("PUBLIC.ORDERS", 5L);
        DirectoryDestination destination = new DirectoryDestination(work.resolve("backups"));
        BackupRecord record = new BackupTaker(snapshots, work.resolve("staging"), clock).take(topology("orders", SPEC), destination, "orders-1");
        snapshots.rows.put("PUBLIC.ORDERS", 4L);
        assertThatThrownBy(() -> new Restorer(snapshots, work.resolve("staging")).restore(topology("restored", SPEC), destination, record))
                .hasMessage("the restored rows differ from backup orders-1: PUBLIC.ORDERS: 4 rows, backup has 5");
    }

    @Test
    void aLostBackupCannotBeRestored() throws Exception {
        snapshots.rows.put("PUBLIC.ORDERS", 5L);
        DirectoryDestination destination = new DirectoryDestination(work.resolve("backups"));
        BackupRecord record = new BackupTaker(snapshots, work.resolve("staging"), clock).take(topology("orders", SPEC), destination, "orders-1");
        Files.walk(work.resolve("backups/orders-1/files")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        assertThatThrownBy(() -> new Restorer(snapshots, work.resolve("staging")).restore(topology("restored", SPEC), destination, record))
                .hasMessageContaining("backup orders-1 has no files");
    }
}

package dev.canopy.region.local;

import dev.canopy.backup.BackupStatus;
import dev.canopy.backup.RestoreState;
import dev.canopy.core.AheadClock;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.BackupDestinationSpec;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.ClusterManifest;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.api.RestoreSource;
import dev.canopy.api.S3DestinationSpec;
import dev.canopy.backup.BackupRecord;
import dev.canopy.backup.BackupState;
import dev.canopy.backup.S3ProxyServer;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.Topology;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.runtime.local.ReleaseCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Region-to-region disaster recovery on real processes: a cluster holding known rows in one local region is backed up
 * (to its region's directory, then to S3 on s3proxy), with the failure modes on the way (S3 endpoint down, a leaf
 * killed), retention, a backup taken by the schedule (the region's clock moved an hour on), then the cluster is deleted
 * and a new one of another topology is restored from S3 in another
 * local region (another data directory), Ready only after its rows were checked; every row is compared.
 */
class BackupRestoreProcessesTest {
    private static final int ROWS = 3_000;

    @TempDir
    Path regionA;
    @TempDir
    Path regionB;
    @TempDir
    Path blobs;
    private RegionFixture a;
    private RegionFixture b;
    private S3ProxyServer s3;

    @AfterEach
    void stopEverything() throws Exception {
        // every node of both regions stops, even when the test failed half-way
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private static DatabaseClusterSpec spec(int leavesPerGroup, BackupSpec backup) {
        return new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.25), new LeavesSpec(leavesPerGroup, 0.5, 1, null),
                Map.of(), null, backup);
    }

    @Test
    void backupLoseTheClusterRestoreInAnotherRegionEveryRowBack() throws Exception {
        s3 = new S3ProxyServer(blobs, "backups");
        for (Path region : List.of(regionA, regionB)) {
            Files.createDirectories(region.resolve("secrets"));
            Files.writeString(region.resolve("secrets/s3-keys.properties"),
                    "accessKeyId=" + S3ProxyServer.ACCESS_KEY + "\nsecretAccessKey=" + S3ProxyServer.SECRET_KEY + "\n");
        }
        BackupDestinationSpec toS3 = new BackupDestinationSpec(null, s3.spec("backups", "dr/orders"));
        AheadClock clock = AheadClock.flowing();
        a = new RegionFixture(regionA, PlannerPolicy.DEFAULTS, true, clock);
        long generation = a.apply("orders", spec(1, null));
        String url = a.awaitPhase("orders", generation, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        load(url, a.login("orders"));
        List<String> rows = rows(url, a.login("orders"));
        Instant lastWrite = Instant.now();

        // on demand, asked through the store (as the CLI does), to the region's own directory
        assertThat(a.store.requestBackup("orders")).isTrue();
        BackupRecord local = await("the asked-for backup").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> a.backups().records("orders").stream().filter(r -> r.state() != BackupState.InProgress).findFirst().orElse(null),
                        r -> r != null);
        System.out.println("directory backup: " + local);
        assertThat(local.state()).as(local.reason()).isEqualTo(BackupState.Succeeded);
        assertThat(local.destination()).isEqualTo("directory " + RegionBackups.defaultDirectory(regionA));
        assertThat(local.tableRows()).containsEntry("PUBLIC.ITEMS", (long) ROWS).containsEntry("PUBLIC.TAGS", 3L);
        assertThat(local.topology().leavesPerGroup()).isEqualTo(1);
        assertThat(RegionBackups.defaultDirectory(regionA).resolve(local.id()).resolve("backup.json")).exists();
        a.awaitStatus("orders", "Backup condition True", s -> s.condition(BackupStatus.BACKUP).map(Condition::isTrue).orElse(false),
                Duration.ofSeconds(30));

        // S3 endpoint down: Failed, saying where, and the condition says so
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        a.apply("orders", spec(1, new BackupSpec(null, 2, new BackupDestinationSpec(null,
                new S3DestinationSpec("http://127.0.0.1:" + closedPort, "backups", "dr/orders", null, "s3-keys")))));
        BackupRecord down = a.backups().backup("orders");
        System.out.println("endpoint down: " + down.reason());
        assertThat(down.state()).isEqualTo(BackupState.Failed);
        assertThat(down.reason()).startsWith("could not write the record of backup " + down.id() + " in s3://backups/dr/orders at http://127.0.0.1:" + closedPort);
        DatabaseClusterStatus failedStatus = a.awaitStatus("orders", "Backup condition False",
                s -> s.condition(BackupStatus.BACKUP).map(c -> c.status().equals(Condition.FALSE)).orElse(false), Duration.ofSeconds(30));
        assertThat(failedStatus.condition(BackupStatus.BACKUP).orElseThrow().reason()).isEqualTo("BackupFailed");
        assertThat(failedStatus.phase()).as("a failed backup does not degrade the cluster").isEqualTo(Phase.Ready);

        // to S3
        long s3Generation = a.apply("orders", spec(1, new BackupSpec(null, 2, toS3)));
        a.awaitPhase("orders", s3Generation, Phase.Ready, Duration.ofMinutes(1));
        BackupRecord first = a.backups().backup("orders");
        assertThat(first.state()).as(first.reason()).isEqualTo(BackupState.Succeeded);
        System.out.printf("S3 backup: %d bytes in %d ms (%.1f MB/s)%n", first.sizeBytes(), first.durationMs(), first.sizeBytes() / 1e3 / first.durationMs());

        // a leaf killed: the backup fails, and is never good
        long pid = a.runtime.pid("orders", NodeId.leaf(2, 0)).orElseThrow();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        BackupRecord nodeDown = a.backups().backup("orders");
        System.out.println("leaf down: " + nodeDown.reason());
        assertThat(nodeDown.state()).isEqualTo(BackupState.Failed);
        assertThat(nodeDown.isGood()).isFalse();
        // healed: the stored status may still be the one from before the kill, so ask the engine
        DatabaseClusterSpec current = a.store.get("orders").orElseThrow().spec();
        Topology topology = new Topology("orders", current, a.runtime.place("orders", DesiredNodes.all(current)));
        // a leaf that has just started may answer before it knows its system views: asked again
        await("leaf-ag2-0 back in the cluster").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> a.engine.offlineLeaves(topology).isEmpty());
        a.awaitStatus("orders", "healed", s -> s.phase() == Phase.Ready && s.leaves().ready() == 2, Duration.ofMinutes(2));

        // retention 2: a third good backup to S3 deletes the first, and the failures older than the second
        BackupRecord second = a.backups().backup("orders");
        assertThat(second.state()).as(second.reason()).isEqualTo(BackupState.Succeeded);
        BackupRecord third = a.backups().backup("orders");
        assertThat(third.state()).as(third.reason()).isEqualTo(BackupState.Succeeded);
        assertThat(a.backups().records("orders")).extracting(BackupRecord::id).containsExactly(second.id(), third.id());
        try (var destination = a.backups().destination(toS3)) {
            assertThat(destination.records()).extracting(BackupRecord::id).containsExactly(second.id(), third.id());
        }

        // on a schedule: every hour, and the region's clock moved an hour on; its own pass takes the next backup, and
        // retention 2 then keeps it and the third
        long scheduled = a.apply("orders", spec(1, new BackupSpec("1h", 2, toS3)));
        a.awaitPhase("orders", scheduled, Phase.Ready, Duration.ofMinutes(1));
        assertThat(a.backups().records("orders")).as("not due yet").extracting(BackupRecord::id).containsExactly(second.id(), third.id());
        clock.moveAhead(Duration.ofMinutes(61));
        BackupRecord fourth = await("the scheduled backup").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> a.backups().records("orders").stream().filter(r -> !r.id().equals(third.id()) && !r.id().equals(second.id())
                        && r.state() != BackupState.InProgress).findFirst().orElse(null), r -> r != null);
        assertThat(fourth.state()).as(fourth.reason()).isEqualTo(BackupState.Succeeded);
        await("retention after the scheduled backup").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> a.backups().records("orders").stream().map(BackupRecord::id).toList(), ids -> ids.equals(List.of(third.id(), fourth.id())));

        // the region is lost: the cluster deleted, the region stopped
        a.store.markDeleting("orders");
        await("orders deleted").atMost(Duration.ofMinutes(1)).until(() -> a.store.get("orders").isEmpty());
        a.close();
        a = null;

        // another region restores from S3 into 2 leaves per group
        b = new RegionFixture(regionB, PlannerPolicy.DEFAULTS, true);
        RestoreSource source = new RestoreSource(third.id(), toS3);
        assertThatThrownBy(() -> b.backups().checkRestore(source, spec(1, null).withBackup(null).withSuspended(false)
                .withRelease("2.16.0"))).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("spec.release: backup " + third.id() + " was taken at release 2.17.0; restore it at that release, then upgrade");
        assertThatThrownBy(() -> b.backups().checkRestore(new RestoreSource("orders-19990101-000000", toS3), spec(2, null)))
                .hasMessageContaining("restoreFrom.backup: no backup orders-19990101-000000 in s3://backups/dr/orders at " + s3.endpoint());
        long requested = System.nanoTime();
        DatabaseClusterSpec restoredSpec = spec(2, null);
        b.backups().checkRestore(source, restoredSpec);
        long restoredGeneration = b.store.applyRestore(new ClusterManifest("orders-dr", restoredSpec),
                ReleaseCatalog.fromSystemProperties().available(), source).generation();
        // Ready only once restored: at no time Ready without the rows
        List<DatabaseClusterStatus> seen = new ArrayList<>();
        DatabaseClusterStatus ready = await("orders-dr restored and Ready").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    DatabaseClusterStatus s = b.status("orders-dr");
                    if (s != null) {
                        seen.add(s);
                    }
                    return s;
                    // a step that failed once (an activation timing out on a loaded machine) is retried: only the
                    // restore's own failure ends the wait early
                }, s -> s != null && s.observedGeneration() == restoredGeneration && (s.phase() == Phase.Ready
                        || b.store.restore("orders-dr").filter(r -> r.stage() == RestoreState.Stage.Failed).isPresent()));
        assertThat(ready.phase()).as("restore: %s", b.store.restore("orders-dr")).isEqualTo(Phase.Ready);
        double rto = (System.nanoTime() - requested) / 1e9;
        RestoreState restored = b.store.restore("orders-dr").orElseThrow();
        assertThat(restored.stage()).isEqualTo(RestoreState.Stage.Restored);
        assertThat(seen).as("phases seen").anyMatch(s -> s.condition(Condition.PROGRESSING).map(c -> "Restoring".equals(c.reason())).orElse(false));
        assertThat(rows(ready.endpoints().jdbcUrl(), b.login("orders-dr"))).isEqualTo(rows);
        System.out.printf("restore: %s%nrecovery time (restore asked to Ready with every row): %.1f s; recovery point: the backup began %.1f s after the last write%n",
                restored.reason(), rto, Duration.between(lastWrite, third.createdAt()).toMillis() / 1000.0);
    }

    private static void load(String url, Properties login) throws Exception {
        try (Connection sql = DriverManager.getConnection(url, login); Statement st = sql.createStatement()) {
            st.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR, price DECIMAL(10,2)) WITH \"template=canopy\"");
            st.execute("CREATE TABLE tags (id INT PRIMARY KEY, tag VARCHAR) WITH \"template=canopy\"");
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO items VALUES (?, ?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "item " + i);
                    insert.setBigDecimal(3, java.math.BigDecimal.valueOf(i * 13L, 2));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            st.execute("INSERT INTO tags VALUES (1, 'red'), (2, 'green'), (3, 'blue')");
        }
    }

    private static List<String> rows(String url, Properties login) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection sql = DriverManager.getConnection(url, login); Statement st = sql.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id, name, price FROM items ORDER BY id")) {
                while (rs.next()) {
                    rows.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getBigDecimal(3));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT id, tag FROM tags ORDER BY id")) {
                while (rs.next()) {
                    rows.add("tag " + rs.getInt(1) + "|" + rs.getString(2));
                }
            }
        }
        return rows;
    }
}

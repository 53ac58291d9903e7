package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.backup.BackupRecord;
import dev.canopy.backup.BackupState;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.api.UpgradeStatus;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.PlannerPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On real processes: suspend stops every node and keeps the data; resume brings the same rows back; an engine version
 * change (2.16.0 to 2.17.0, both from Maven Central) is a coordinated restart that keeps the data, whose offline time
 * the status reports and a client measures.
 */
class EngineChangeAndSuspendProcessesTest {
    private static final String CLUSTER = "engine-change";
    private static final int ROWS = 2_000;

    @TempDir
    Path dataDir;
    @RegisterExtension
    final RegionFixtures fixtures = new RegionFixtures();
    private RegionFixture fixture;

    private static DatabaseClusterSpec spec(String release, boolean suspended) {
        // the coordinated restart is chosen explicitly: by default an engine change upgrades blue/green
        return new DatabaseClusterSpec(release, 2, new AggregatorsSpec(1, 0.25), new LeavesSpec(1, 0.25, 1, null),
                Map.of(), suspended).withUpgradeStrategy(DatabaseClusterSpec.COORDINATED_RESTART);
    }

    @Test
    void suspendResumeAndEngineVersionChangeKeepEveryRow() throws Exception {
        fixture = fixtures.open(dataDir, PlannerPolicy.DEFAULTS, true);
        long generation = fixture.apply(CLUSTER, spec("2.16.0", false));
        DatabaseClusterStatus ready = fixture.awaitPhase(CLUSTER, generation, Phase.Ready, Duration.ofMinutes(3));
        assertThat(ready.release()).isEqualTo("2.16.0");
        String url = ready.endpoints().jdbcUrl();
        Properties login = fixture.login(CLUSTER);
        try (Connection sql = DriverManager.getConnection(url, login); Statement st = sql.createStatement()) {
            st.execute("CREATE TABLE kept (id INT PRIMARY KEY, v VARCHAR) WITH \"template=canopy\"");
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO kept (id, v) VALUES (?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "row-" + i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        assertThat(count(url, login)).isEqualTo(ROWS);

        // a backup of a 2.16 cluster fails, saying why, before the engine is asked for a snapshot (which it refuses)
        BackupRecord refused = fixture.backups().backup(CLUSTER);
        assertThat(refused.state()).isEqualTo(BackupState.Failed);
        assertThat(refused.reason()).contains("the cluster runs engine 2.16.0", "upgrade the cluster to 2.17.0 to back it up");

        // suspend: every process gone, storage kept
        generation = fixture.apply(CLUSTER, spec("2.16.0", true));
        fixture.awaitPhase(CLUSTER, generation, Phase.Suspended, Duration.ofMinutes(2));
        for (NodeId node : DesiredNodes.all(spec("2.16.0", false))) {
            assertThat(fixture.runtime.pid(CLUSTER, node)).as("%s stopped", node).isEmpty();
        }
        assertThat(fixture.status(CLUSTER).endpoints()).isNull();

        // resume: the same rows
        generation = fixture.apply(CLUSTER, spec("2.16.0", false));
        ready = fixture.awaitPhase(CLUSTER, generation, Phase.Ready, Duration.ofMinutes(3));
        url = ready.endpoints().jdbcUrl();
        assertThat(count(url, login)).as("rows after resume").isEqualTo(ROWS);

        // engine version change: a coordinated restart, measured from a client's side too
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicLong longestOutageMs = new AtomicLong();
        AtomicLong lastAnswer = new AtomicLong(System.nanoTime());
        String watchedUrl = url;
        Thread watcher = new Thread(() -> watchAvailability(watchedUrl, login, watching, lastAnswer, longestOutageMs), "availability-watcher");
        watcher.start();
        try {
            generation = fixture.apply(CLUSTER, spec("2.17.0", false));
            DatabaseClusterStatus upgrading = fixture.awaitStatus(CLUSTER, "upgrade started",
                    s -> s.upgrade() != null && s.phase() == Phase.Upgrading, Duration.ofMinutes(1));
            assertThat(upgrading.upgrade().strategy()).isEqualTo(UpgradeStatus.COORDINATED_RESTART);
            assertThat(upgrading.upgrade().fromRelease()).isEqualTo("2.16.0");
            ready = fixture.awaitPhase(CLUSTER, generation, Phase.Ready, Duration.ofMinutes(3));
            // the client sees the cluster again once its aggregator is back
            org.awaitility.Awaitility.await("SQL answers again").atMost(Duration.ofSeconds(30))
                    .until(() -> count(watchedUrl, login) == ROWS);
            // a watcher whose call still hangs (a login the restart left unanswered) has not counted its stretch yet
            longestOutageMs.accumulateAndGet(Duration.ofNanos(System.nanoTime() - lastAnswer.get()).toMillis(), Math::max);
        } finally {
            watching.set(false);
            watcher.join(10_000);
        }
        UpgradeStatus upgrade = ready.upgrade();
        assertThat(ready.release()).isEqualTo("2.17.0");
        assertThat(upgrade.toRelease()).isEqualTo("2.17.0");
        assertThat(upgrade.finishedAt()).isNotNull();
        assertThat(upgrade.offlineSeconds()).isPositive();
        assertThat(count(ready.endpoints().jdbcUrl(), login)).as("rows after the engine change").isEqualTo(ROWS);
        for (NodeId node : DesiredNodes.all(spec("2.17.0", false))) {
            long pid = fixture.runtime.pid(CLUSTER, node).orElseThrow();
            String command = ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
            assertThat(command).as("%s runs 2.17.0", node).contains("/2.17.0/");
        }
        System.out.printf("engine change 2.16.0 -> 2.17.0: offline %.1f s by the status, %d ms longest outage seen by a client%n",
                upgrade.offlineSeconds(), longestOutageMs.get());
        assertThat(longestOutageMs.get()).as("the client saw the outage (offline %.1f s by the status)", upgrade.offlineSeconds())
                .isGreaterThan(1_000);
    }

    private static long count(String url, Properties login) throws SQLException {
        try (Connection sql = DriverManager.getConnection(url, login); Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM kept")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Polls a count every 100 ms and keeps the longest stretch between two answers: a client whose connection waits
     * through the restart (a login the aggregator holds until the cluster is back) sees the outage as one slow answer.
     */
    private static void watchAvailability(String url, Properties login, AtomicBoolean watching, AtomicLong lastAnswer,
                                          AtomicLong longestOutageMs) {
        while (watching.get()) {
            try {
                count(url, login);
                long now = System.nanoTime();
                longestOutageMs.accumulateAndGet(Duration.ofNanos(now - lastAnswer.get()).toMillis(), Math::max);
                lastAnswer.set(now);
            } catch (SQLException e) {
                // still down: the stretch goes on until an answer
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }
}

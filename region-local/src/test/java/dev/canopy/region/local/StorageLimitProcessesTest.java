package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On real processes: leaves of 1 GiB (storageGB) are filled until their storage reaches the policy's share of it (20%
 * here, to keep the test short; 95% by default). The cluster turns read-only, saying which leaf and how full: writes are
 * refused by the engine, reads answer, nothing is lost. The spec then gives the leaves 4 GiB: the cluster takes writes
 * again. Before, a local leaf grew without limit whatever its storageGB.
 */
class StorageLimitProcessesTest {
    private static final String CLUSTER = "silo";
    private static final String VALUE = "x".repeat(32 * 1024);

    @TempDir
    Path dataDir;
    @RegisterExtension
    final RegionFixtures fixtures = new RegionFixtures();
    private RegionFixture fixture;

    @Test
    void aLeafAtItsStorageLimitTurnsTheClusterReadOnlyUntilTheSpecGivesItMore() throws Exception {
        fixture = fixtures.open(dataDir, PlannerPolicy.DEFAULTS.withStorageFullAt(0.2));
        long generation = fixture.apply(CLUSTER, spec(1));
        String url = fixture.awaitPhase(CLUSTER, generation, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        AtomicInteger written = new AtomicInteger();
        long before;
        try (Connection sql = DriverManager.getConnection(url, fixture.login(CLUSTER))) {
            try (Statement st = sql.createStatement()) {
                st.execute("CREATE TABLE blobs (id INT PRIMARY KEY, v VARCHAR) WITH \"template=canopy\"");
            }
            // up to 800 MB, far beyond the 205 MB at which it must turn read-only
            DatabaseClusterStatus full = fixture.awaitStatus(CLUSTER, "read-only for its storage", s -> {
                if (s.condition(Condition.READ_ONLY).filter(c -> c.isTrue() && c.reason().equals("StorageFull")).isPresent()) {
                    return true;
                }
                if (written.get() < 25_000) {
                    try {
                        insert(sql, written.get(), written.get() + 200);
                        written.addAndGet(200);
                    } catch (SQLException e) {
                        // the engine refuses writes from the moment the platform made it read-only
                    }
                }
                return false;
            }, Duration.ofMinutes(3));
            System.out.printf("read-only after %d rows of 32 KB: %s%n", written.get(),
                    full.condition(Condition.READ_ONLY).orElseThrow().message());
            assertThat(full.condition(Condition.READ_ONLY).orElseThrow().message())
                    // one leaf or both, as the last measurements fell
                    .containsPattern("leaf-ag[12]-0 uses 0\\.[0-9]{2} GiB")
                    .contains(" 1 GiB (spec.leaves.storageGB)", "until spec.leaves.storageGB is raised");

            fixture.awaitStatus(CLUSTER, "the engine read-only", s -> {
                try {
                    insert(sql, 1_000_000, 1_000_001);
                    return false;
                } catch (SQLException e) {
                    return e.getMessage().contains("read-only");
                }
            }, Duration.ofSeconds(30));
            // a batch cut by the refusal may have left some of its rows: every acknowledged one must be there
            before = count(sql);
            assertThat(before).as("every acknowledged row reads").isBetween((long) written.get(), written.get() + 200L);
        }

        long more = fixture.apply(CLUSTER, spec(4));
        DatabaseClusterStatus ready = fixture.awaitStatus(CLUSTER, "writes taken again at 4 GiB",
                s -> s.phase() == Phase.Ready && s.observedGeneration() == more
                        && s.condition(Condition.READ_ONLY).filter(c -> !c.isTrue()).isPresent(), Duration.ofMinutes(4));
        try (Connection sql = DriverManager.getConnection(ready.endpoints().jdbcUrl(), fixture.login(CLUSTER))) {
            insert(sql, 1_000_000, 1_000_001);
            assertThat(count(sql)).isEqualTo(before + 1);
        }
    }

    private static DatabaseClusterSpec spec(int storageGB) {
        return new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.25), new LeavesSpec(1, 0.25, storageGB, null),
                Map.of(), false);
    }

    private static void insert(Connection sql, int from, int to) throws SQLException {
        try (PreparedStatement insert = sql.prepareStatement("INSERT INTO blobs (id, v) VALUES (?, ?)")) {
            for (int i = from; i < to; i++) {
                insert.setInt(1, i);
                insert.setString(2, VALUE);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static long count(Connection sql) throws SQLException {
        try (Statement st = sql.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM blobs")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.NodeId;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.core.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On real processes: a leaf that holds the only copy of its partitions (redundancy 1) is killed with -9. Its
 * partitions are LOST while it is away and stay LOST when it is back (Ignite keeps them so until told): before the
 * platform reset them, the cluster waited on them for ever and every query of the table failed. Now, once every leaf of
 * the baseline is back with its storage, the platform resets the loss, says so, and every row reads again.
 */
class LostPartitionsProcessesTest {
    private static final String CLUSTER = "shelf";
    private static final int ROWS = 2_000;

    @TempDir
    Path dataDir;
    @RegisterExtension
    final RegionFixtures fixtures = new RegionFixtures();
    private RegionFixture fixture;

    @Test
    void partitionsLostWhileTheirOnlyOwnerWasAwayAreResetOnceItIsBackAndNoRowIsLost() throws Exception {
        fixture = fixtures.open(dataDir, PlannerPolicy.DEFAULTS);
        DatabaseClusterSpec spec = new DatabaseClusterSpec("2.17.0", 1, new AggregatorsSpec(1, 0.25),
                new LeavesSpec(1, 0.25, 1, null), Map.of(), false);
        long generation = fixture.apply(CLUSTER, spec);
        DatabaseClusterStatus ready = fixture.awaitPhase(CLUSTER, generation, Phase.Ready, Duration.ofMinutes(3));
        String url = ready.endpoints().jdbcUrl();
        try (Connection sql = DriverManager.getConnection(url, fixture.login(CLUSTER)); Statement st = sql.createStatement()) {
            st.execute("CREATE TABLE stock (id INT PRIMARY KEY, v VARCHAR) WITH \"template=canopy\"");
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO stock (id, v) VALUES (?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "row-" + i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }

        NodeId leaf = NodeId.leaf(1, 0);
        // the log sized to the leaf's 1 GB (Ignite's own sizes preallocated 640 MB of it)
        long walBytes;
        try (var files = java.nio.file.Files.walk(fixture.runtime.nodeDirectory(CLUSTER, leaf).resolve("db").resolve("wal"))) {
            walBytes = files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        System.out.printf("write-ahead log of %s: %d MB%n", leaf, walBytes >> 20);
        assertThat(walBytes).as("the log of a 1 GB leaf").isLessThan(200L << 20);
        long pid = fixture.runtime.pid(CLUSTER, leaf).orElseThrow();
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        process.onExit().join();

        fixture.awaitStatus(CLUSTER, "the loss reset by the platform", s -> fixture.steps.stream()
                .anyMatch(step -> step instanceof Step.ResetLostPartitions), Duration.ofMinutes(3));
        DatabaseClusterStatus healed = fixture.awaitStatus(CLUSTER, "Ready with every partition owned",
                s -> s.phase() == Phase.Ready && s.condition(Condition.DATA_AVAILABLE).map(c -> c.status().equals(Condition.TRUE))
                        .orElse(false), Duration.ofMinutes(2));
        assertThat(fixture.statuses).as("the loss was said while it stood")
                .anySatisfy(s -> assertThat(s.condition(Condition.DATA_AVAILABLE)).hasValueSatisfying(c -> {
                    assertThat(c.status()).isEqualTo(Condition.FALSE);
                    assertThat(c.message()).contains("of PUBLIC.STOCK");
                }));
        try (Connection sql = DriverManager.getConnection(healed.endpoints().jdbcUrl(), fixture.login(CLUSTER)); Statement st = sql.createStatement();
             ResultSet rows = st.executeQuery("SELECT COUNT(*), MAX(v) FROM stock")) {
            rows.next();
            assertThat(rows.getLong(1)).as("every row back").isEqualTo(ROWS);
        }
    }
}

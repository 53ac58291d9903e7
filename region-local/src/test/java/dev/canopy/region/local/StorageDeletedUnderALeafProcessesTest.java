package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.NodeId;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.runtime.local.LocalRuntime;
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
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On real processes: the storage of a running leaf is deleted (the process is not touched). Before, the leaf went on
 * serving from deleted files and the status said Ready for 108 s; now the next pass notices, the cluster is Degraded
 * with the step saying so, and the leaf is refilled from the other availability group: every row reads back.
 */
class StorageDeletedUnderALeafProcessesTest {
    private static final String CLUSTER = "till";
    private static final int ROWS = 1_000;

    @TempDir
    Path dataDir;
    @RegisterExtension
    final RegionFixtures fixtures = new RegionFixtures();
    private RegionFixture fixture;

    @Test
    void aLeafWhoseStorageIsDeletedWhileItRunsIsNoticedAtOnceAndRefilled() throws Exception {
        fixture = fixtures.open(dataDir, PlannerPolicy.DEFAULTS);
        long generation = fixture.apply(CLUSTER, new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.25),
                new LeavesSpec(1, 0.25, 1, null), Map.of(), false));
        String url = fixture.awaitPhase(CLUSTER, generation, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        try (Connection sql = DriverManager.getConnection(url, fixture.login(CLUSTER)); Statement st = sql.createStatement()) {
            st.execute("CREATE TABLE coins (id INT PRIMARY KEY, v VARCHAR) WITH \"template=canopy\"");
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO coins (id, v) VALUES (?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "coin-" + i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        NodeId leaf = NodeId.leaf(2, 0);
        long pid = fixture.runtime.pid(CLUSTER, leaf).orElseThrow();
        Instant deleted = Instant.now();
        LocalRuntime.deleteTree(fixture.runtime.nodeDirectory(CLUSTER, leaf).resolve("db"));

        DatabaseClusterStatus noticed = fixture.awaitStatus(CLUSTER, "the deleted storage noticed",
                s -> s.phase() != Phase.Ready, Duration.ofSeconds(30));
        System.out.printf("storage of %s deleted; noticed after %d ms: %s%n", leaf,
                Duration.between(deleted, Instant.now()).toMillis(), noticed.phase());
        assertThat(fixture.steps).anyMatch(step -> step.reason().equals("StorageLost"));

        DatabaseClusterStatus back = fixture.awaitStatus(CLUSTER, "Ready again with the leaf refilled",
                s -> s.phase() == Phase.Ready && s.isTrue("RedundancyMet"), Duration.ofMinutes(3));
        assertThat(fixture.runtime.pid(CLUSTER, leaf).orElseThrow()).as("a new process for the leaf").isNotEqualTo(pid);
        assertThat(fixture.runtime.nodeDirectory(CLUSTER, leaf).resolve("db")).isDirectory();
        try (Connection sql = DriverManager.getConnection(back.endpoints().jdbcUrl(), fixture.login(CLUSTER)); Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM coins")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(ROWS);
        }
    }
}

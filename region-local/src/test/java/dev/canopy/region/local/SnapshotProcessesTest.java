package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.core.Topology;
import dev.canopy.engine.ignite.IgniteEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Ignite's snapshots on real processes, as the engine drives them: taken from a cluster of 1 leaf per group, restored
 * into a new cluster of 2 leaves per group (other consistent IDs, another partition layout), every row compared.
 */
class SnapshotProcessesTest {
    private static final int ROWS = 5_000;

    @TempDir
    Path dataDir;
    @TempDir
    Path snapshots;
    @RegisterExtension
    final RegionFixtures fixtures = new RegionFixtures();
    private RegionFixture fixture;

    @Test
    void snapshotRestoresIntoAClusterOfAnotherTopologyWithEveryRow() throws Exception {
        fixture = fixtures.open(dataDir, PlannerPolicy.DEFAULTS);
        // the region's own engine: it logs in with each cluster's admin secret
        IgniteEngine engine = fixture.engine;
        DatabaseClusterSpec small = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.25), new LeavesSpec(1, 0.5, 1, null), Map.of(), false);
        long generation = fixture.apply("source", small);
        String sourceUrl = fixture.awaitPhase("source", generation, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        try (Connection sql = DriverManager.getConnection(sourceUrl, fixture.login("source")); Statement st = sql.createStatement()) {
            st.execute("CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR, qty INT) WITH \"template=canopy\"");
            st.execute("CREATE INDEX orders_item ON orders (item)");
            st.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR) WITH \"template=canopy\"");
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "item-" + (i % 97));
                    insert.setInt(3, i * 7);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            st.execute("INSERT INTO customers VALUES (1, 'ada'), (2, 'grace')");
        }
        List<String> before = rows(sourceUrl, fixture.login("source"));
        Topology source = new Topology("source", small, fixture.runtime.place("source", DesiredNodes.all(small)));
        assertThat(engine.tableRows(source)).containsEntry("PUBLIC.ORDERS", (long) ROWS).containsEntry("PUBLIC.CUSTOMERS", 2L);

        long started = System.nanoTime();
        engine.create(source, "snap1", snapshots);
        double seconds = (System.nanoTime() - started) / 1e9;
        long bytes;
        try (Stream<Path> files = Files.walk(snapshots)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf("snapshot: %d bytes in %.2f s (%.1f MB/s)%n", bytes, seconds, bytes / 1e6 / seconds);
        try (Stream<Path> files = Files.walk(snapshots)) {
            files.forEach(p -> System.out.println("  " + snapshots.relativize(p)));
        }
        assertThatThrownBy(() -> engine.create(source, "snap1", snapshots)).as("a name taken")
                .hasMessageContaining("snap1");

        fixture.store.markDeleting("source");
        DatabaseClusterSpec bigger = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.25), new LeavesSpec(2, 0.5, 1, null), Map.of(), false);
        long targetGeneration = fixture.apply("target", bigger);
        String targetUrl = fixture.awaitPhase("target", targetGeneration, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        Topology target = new Topology("target", bigger, fixture.runtime.place("target", DesiredNodes.all(bigger)));
        started = System.nanoTime();
        engine.restore(target, "snap1", snapshots);
        seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("restore: %d bytes in %.2f s (%.1f MB/s)%n", bytes, seconds, bytes / 1e6 / seconds);
        assertThat(engine.tableRows(target)).containsEntry("PUBLIC.ORDERS", (long) ROWS).containsEntry("PUBLIC.CUSTOMERS", 2L);
        assertThat(rows(targetUrl, fixture.login("target"))).isEqualTo(before);
        try (Connection sql = DriverManager.getConnection(targetUrl, fixture.login("target")); Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM orders WHERE item = 'item-5'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).as("through the restored index").isEqualTo(ROWS / 97 + (5 < ROWS % 97 ? 1 : 0));
        }
    }

    private static List<String> rows(String url, Properties login) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection sql = DriverManager.getConnection(url, login); Statement st = sql.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id, item, qty FROM orders ORDER BY id")) {
                while (rs.next()) {
                    rows.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getInt(3));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT id, name FROM customers ORDER BY id")) {
                while (rs.next()) {
                    rows.add("c" + rs.getInt(1) + "|" + rs.getString(2));
                }
            }
        }
        return rows;
    }
}

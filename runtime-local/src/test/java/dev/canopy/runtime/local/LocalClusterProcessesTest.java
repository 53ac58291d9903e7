package dev.canopy.runtime.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodeObservation;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.ReconcileResult;
import dev.canopy.core.Reconciler;
import dev.canopy.engine.ignite.IgniteEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A real cluster of five Ignite processes (1 aggregator, 2 leaves in each availability group) on this machine. */
class LocalClusterProcessesTest {
    private static final String CLUSTER = "itest";
    private static final DatabaseClusterSpec SPEC = new DatabaseClusterSpec("2.17.0", 2,
            new AggregatorsSpec(1, 0.25), new LeavesSpec(2, 0.25, 1, null), Map.of(), false);

    @TempDir
    Path dataDir;
    private LocalRuntime runtime;
    private Reconciler reconciler;
    private final AtomicReference<DatabaseClusterStatus> status = new AtomicReference<>();

    @BeforeEach
    void startRuntime() {
        runtime = new LocalRuntime(dataDir, ReleaseCatalog.fromSystemProperties(), "127.0.0.1", Duration.ofSeconds(20));
        reconciler = new Reconciler(runtime, IgniteEngine.local(), Clock.systemUTC());
    }

    @AfterEach
    void stopEverything() {
        runtime.deleteCluster(CLUSTER);
        runtime.close();
    }

    @Test
    void provisionsWritesSurvivesALeafKillAndLeavesNothingBehind() throws Exception {
        reconcileUntil(Phase.Ready, Duration.ofMinutes(3));
        DatabaseClusterStatus ready = status.get();
        assertThat(ready.leaves().ready()).isEqualTo(4);
        assertThat(ready.aggregators().ready()).isEqualTo(1);
        assertThat(ready.isTrue("RedundancyMet")).isTrue();
        String jdbcUrl = ready.endpoints().jdbcUrl();
        assertThat(jdbcUrl).startsWith("jdbc:ignite:thin://127.0.0.1:");

        // idempotent: a pass right after Ready takes no step
        ReconcileResult again = reconcile();
        assertThat(again.step()).isInstanceOf(dev.canopy.core.Step.Done.class);

        try (Connection sql = DriverManager.getConnection(jdbcUrl); Statement st = sql.createStatement()) {
            st.execute("CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR) WITH \"template=canopy\"");
            insert(sql, 0, 10_000);
            assertThat(count(sql)).isEqualTo(10_000);
        }

        Map<Integer, List<String>> owners = partitionOwners();
        assertThat(owners).hasSize(256);
        owners.forEach((partition, nodes) -> {
            assertThat(nodes).as("owners of partition %d", partition).hasSize(2);
            Set<Integer> groups = Set.of(NodeId.parse(nodes.get(0)).availabilityGroup(), NodeId.parse(nodes.get(1)).availabilityGroup());
            assertThat(groups).as("availability groups of partition %d's copies", partition).containsExactlyInAnyOrder(1, 2);
        });

        NodeId victim = NodeId.leaf(1, 0);
        long pid = runtime.pid(CLUSTER, victim).orElseThrow();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        try (Connection sql = DriverManager.getConnection(jdbcUrl)) {
            insert(sql, 10_000, 10_500);
            assertThat(count(sql)).isEqualTo(10_500);
        }
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
                runtime.observe(CLUSTER).stream().filter(n -> n.node().equals(victim)).mapToInt(NodeObservation::restarts).sum() >= 1
                        && reconcile().status().phase() == Phase.Ready);
        assertThat(runtime.pid(CLUSTER, victim).orElseThrow()).isNotEqualTo(pid);
        try (Connection sql = DriverManager.getConnection(jdbcUrl)) {
            assertThat(count(sql)).isEqualTo(10_500);
        }

        List<Long> pids = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (NodePlacement p : runtime.place(CLUSTER, dev.canopy.core.DesiredNodes.all(SPEC)).values()) {
            pids.add(runtime.pid(CLUSTER, p.node()).orElseThrow());
            ports.addAll(List.of(p.discoveryPort(), p.communicationPort(), p.sqlPort()));
        }
        runtime.deleteCluster(CLUSTER);
        for (long p : pids) {
            assertThat(ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)).as("process %d alive", p).isFalse();
        }
        for (int port : ports) {
            assertThat(listening(port)).as("something listens on port %d", port).isFalse();
        }
        assertThat(runtime.clusterDirectory(CLUSTER)).doesNotExist();
    }

    private ReconcileResult reconcile() {
        ReconcileResult result = reconciler.reconcile(CLUSTER, 1, SPEC, status.get());
        status.set(result.status());
        return result;
    }

    private void reconcileUntil(Phase phase, Duration deadline) {
        await().atMost(deadline).pollInterval(Duration.ofSeconds(1)).until(() -> reconcile().status().phase() == phase);
    }

    private Map<Integer, List<String>> partitionOwners() throws SQLException {
        NodePlacement leaf = runtime.place(CLUSTER, List.of(NodeId.leaf(2, 0))).get(NodeId.leaf(2, 0));
        Map<Integer, List<String>> owners = new HashMap<>();
        try (Connection sql = DriverManager.getConnection("jdbc:ignite:thin://" + leaf.sqlAddress());
             Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT ps.PARTITION_ID, n.CONSISTENT_ID FROM SYS.PARTITION_STATES ps "
                     + "JOIN SYS.NODES n ON ps.NODE_ID = n.NODE_ID "
                     + "JOIN SYS.CACHES c ON c.CACHE_GROUP_ID = ps.CACHE_GROUP_ID "
                     + "WHERE c.CACHE_NAME = 'SQL_PUBLIC_ORDERS' AND ps.STATE = 'OWNING'")) {
            while (rs.next()) {
                owners.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        return owners;
    }

    private static void insert(Connection sql, int from, int to) throws SQLException {
        try (PreparedStatement insert = sql.prepareStatement("INSERT INTO orders (id, item) VALUES (?, ?)")) {
            for (int i = from; i < to; i++) {
                insert.setInt(1, i);
                insert.setString(2, "item-" + i);
                insert.addBatch();
                if (i % 500 == 499) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }

    private static long count(Connection sql) throws SQLException {
        try (Statement st = sql.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.ClusterManifest;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.engine.ignite.AdminSecretFiles;
import dev.canopy.runtime.local.ReleaseCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On real processes: the platform is killed with -9, twice, and the data plane does not notice. The first time with
 * the cluster Ready: every node keeps running and SQL keeps answering, writes included, while no platform runs; the
 * second time in the middle of a scale-out. The platform that comes back adopts the nodes (same processes, none
 * restarted) and finishes the scale-out; every row written reads back. Before, the nodes stopped with their platform,
 * and a kill mid scale-out left the new empty leaf to form a cluster of its own. A platform stopped on purpose in the
 * middle of a scale-out stops every node; the next one starts the baseline's leaves before the new, empty ones.
 */
class PlatformKilledProcessesTest {
    private static final String CLUSTER = "ledger";
    private static final DatabaseClusterSpec ONE_LEAF_PER_GROUP = new DatabaseClusterSpec("2.17.0", 2,
            new AggregatorsSpec(1, 0.25), new LeavesSpec(1, 0.25, 1, null), Map.of(), false);

    @TempDir
    Path dataDir;
    private Process platform;
    private RegionFixture fixture;

    @AfterEach
    void stopEverything() {
        if (platform != null) {
            platform.destroyForcibly();
        }
        if (fixture != null) {
            fixture.close();
        }
        // nodes that outlive their platform outlive a failed test too, unless stopped here
        nodePids().values().forEach(pid -> ProcessHandle.of(pid).ifPresent(h -> {
            h.destroyForcibly();
            h.onExit().join();
        }));
    }

    @Test
    void nodesServeWhileThePlatformIsDeadAndAreAdoptedWhenItReturnsEvenMidScaleOut() throws Exception {
        ClusterStore store = new ClusterStore(dataDir);
        long generation = store.apply(new ClusterManifest(CLUSTER, ONE_LEAF_PER_GROUP), ReleaseCatalog.fromSystemProperties().available()).generation();
        platform = startPlatform("first");
        DatabaseClusterStatus ready = awaitReady(store, generation, Duration.ofMinutes(3));
        String url = ready.endpoints().jdbcUrl();
        try (Connection sql = DriverManager.getConnection(url, login(store)); Statement st = sql.createStatement()) {
            st.execute("CREATE TABLE entries (id INT PRIMARY KEY, v VARCHAR) WITH \"template=canopy\"");
            insert(sql, 0, 1_000);
        }
        Map<String, Long> before = nodePids();
        assertThat(before).as("the nodes' pid files").hasSize(3);

        killPlatform();
        // the data plane outlives its platform: every node runs on, and SQL answers, writes included
        await("the nodes keep running without their platform").during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20))
                .until(() -> before.values().stream().allMatch(PlatformKilledProcessesTest::alive));
        try (Connection sql = DriverManager.getConnection(url, login(store))) {
            insert(sql, 1_000, 2_000);
            assertThat(count(sql)).isEqualTo(2_000);
        }

        // a scale-out asked for while no platform runs; the next platform is killed as soon as it starts a new leaf
        long scaled = store.apply(new ClusterManifest(CLUSTER, new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.25),
                new LeavesSpec(2, 0.25, 1, null), Map.of(), false)), ReleaseCatalog.fromSystemProperties().available()).generation();
        platform = startPlatform("second");
        await("the second platform starts a new leaf").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> nodePids().size() > 3);
        assertThat(nodePids()).as("the first nodes, adopted by the second platform").containsAllEntriesOf(before);
        killPlatform();

        fixture = new RegionFixture(dataDir, PlannerPolicy.DEFAULTS);
        DatabaseClusterStatus whole = fixture.awaitPhase(CLUSTER, scaled, Phase.Ready, Duration.ofMinutes(4));
        assertThat(whole.leaves().ready()).isEqualTo(4);
        assertThat(nodePids()).as("every node of before the kills runs on as the same process").containsAllEntriesOf(before);
        try (Connection sql = DriverManager.getConnection(whole.endpoints().jdbcUrl(), fixture.login(CLUSTER))) {
            assertThat(count(sql)).isEqualTo(2_000);
        }
        assertThat(fixture.failures).isEmpty();
    }

    @Test
    void aPlatformStoppedInTheMiddleOfAScaleOutBringsTheClusterBackWhole() throws Exception {
        fixture = new RegionFixture(dataDir, PlannerPolicy.DEFAULTS);
        long generation = fixture.apply(CLUSTER, ONE_LEAF_PER_GROUP);
        String url = fixture.awaitPhase(CLUSTER, generation, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        try (Connection sql = DriverManager.getConnection(url, fixture.login(CLUSTER)); Statement st = sql.createStatement()) {
            st.execute("CREATE TABLE entries (id INT PRIMARY KEY, v VARCHAR) WITH \"template=canopy\"");
            insert(sql, 0, 1_000);
        }
        long scaled = fixture.apply(CLUSTER, new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.25),
                new LeavesSpec(2, 0.25, 1, null), Map.of(), false));
        await("the new leaves started").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> nodePids().size() > 3);
        // Ctrl-C: every node stops, the new empty leaves with the others, before they are in the baseline
        fixture.close();
        fixture = null;
        assertThat(nodePids()).isEmpty();

        fixture = new RegionFixture(dataDir, PlannerPolicy.DEFAULTS);
        DatabaseClusterStatus whole = fixture.awaitPhase(CLUSTER, scaled, Phase.Ready, Duration.ofMinutes(4));
        assertThat(whole.leaves().baseline()).containsExactly("leaf-ag1-0", "leaf-ag1-1", "leaf-ag2-0", "leaf-ag2-1");
        try (Connection sql = DriverManager.getConnection(whole.endpoints().jdbcUrl(), fixture.login(CLUSTER))) {
            assertThat(count(sql)).isEqualTo(1_000);
        }
    }

    /** The login the platform process keeps for the cluster, as the fixture's would read it. */
    private static Properties login(ClusterStore store) throws IOException {
        return AdminSecretFiles.read(store.adminSecretFile(CLUSTER)).jdbcProperties();
    }

    private static DatabaseClusterStatus awaitReady(ClusterStore store, long generation, Duration atMost) {
        return await(CLUSTER + " Ready").atMost(atMost).pollInterval(Duration.ofMillis(250))
                .until(() -> store.get(CLUSTER).map(StoredCluster::status).orElse(null),
                        s -> s != null && s.phase() == Phase.Ready && Objects.equals(s.observedGeneration(), generation));
    }

    /** The platform in a JVM of its own, with this JVM's options (the engine's module opens) and classpath. */
    private Process startPlatform(String name) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).forEach(command::add);
        command.add("-Dcanopy.releases.dir=" + System.getProperty("canopy.releases.dir"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PlatformProcess.class.getName());
        command.add(dataDir.toString());
        Path log = Path.of("target", "platform-" + name + "-" + dataDir.getFileName() + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        System.out.println("platform " + name + " logs to " + log);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private void killPlatform() throws InterruptedException {
        platform.destroyForcibly();
        platform.waitFor();
    }

    /** Node name to the pid its pid file names, for every node of the cluster whose process runs. */
    private Map<String, Long> nodePids() {
        Map<String, Long> pids = new TreeMap<>();
        Path nodes = dataDir.resolve("clusters").resolve(CLUSTER).resolve("nodes");
        if (!Files.isDirectory(nodes)) {
            return pids;
        }
        try (Stream<Path> dirs = Files.list(nodes)) {
            for (Path dir : dirs.toList()) {
                Path pidFile = dir.resolve("node.pid");
                if (Files.exists(pidFile)) {
                    long pid = Long.parseLong(Files.readString(pidFile).strip());
                    if (alive(pid)) {
                        pids.put(dir.getFileName().toString(), pid);
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // a pid file being written: the next poll reads it
        }
        return pids;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void insert(Connection sql, int from, int to) throws SQLException {
        try (PreparedStatement insert = sql.prepareStatement("INSERT INTO entries (id, v) VALUES (?, ?)")) {
            for (int i = from; i < to; i++) {
                insert.setInt(1, i);
                insert.setString(2, "entry-" + i);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static long count(Connection sql) throws SQLException {
        try (Statement st = sql.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM entries")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

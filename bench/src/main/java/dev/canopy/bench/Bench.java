package dev.canopy.bench;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Topology;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.runtime.local.LocalRuntime;
import dev.canopy.runtime.local.ReleaseCatalog;
import dev.canopy.workload.PhaseStats;
import dev.canopy.workload.Verification;
import dev.canopy.workload.Workload;
import dev.canopy.workload.WorkloadOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * {@code ./canopy bench [--quick]}: measures the figures on real node processes of the local runtime, writes the day's
 * {@code bench/results/<date>.json} and regenerates {@code BENCHMARKS.md}. Exits non-zero, writing nothing, when an
 * acknowledged write was lost.
 */
public final class Bench {
    private static final String RELEASE = "2.17.0";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(4);

    private final Path workDir;
    private final Map<String, List<Double>> runs = new LinkedHashMap<>();

    private Bench(Path workDir) {
        this.workDir = workDir;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int count = quick ? 3 : 5;
        Path repo = Path.of(System.getProperty("canopy.repo", ".")).toAbsolutePath().normalize();
        Path workDir = Files.createTempDirectory("canopy-bench-");
        log("work directory %s (every node process runs from here)", workDir);
        Bench bench = new Bench(workDir);
        try {
            for (int run = 1; run <= count; run++) {
                log("run %d of %d", run, count);
                bench.oneRun(run, quick);
            }
        } finally {
            deleteTree(workDir);
        }
        BenchReport report = new BenchReport(LocalDate.now(ZoneOffset.UTC).toString(), quick ? "quick" : "full", RELEASE,
                Machine.current(), bench.figures());
        Path results = repo.resolve("bench/results");
        Files.createDirectories(results);
        Files.writeString(results.resolve(report.date() + ".json"), ResultJson.write(report));
        String table = MarkdownTable.render(report);
        Files.writeString(repo.resolve("BENCHMARKS.md"), table);
        System.out.print(table);
    }

    private void oneRun(int run, boolean quick) {
        record("floor", bareNodeStart(workDir.resolve("floor-" + run)));
        record("provision-1x1", provision(workDir.resolve("p11-" + run), spec(1, 1)));
        record("provision-1x2", provision(workDir.resolve("p12-" + run), spec(1, 2)));
        failover(workDir.resolve("failover-" + run));
    }

    private List<Figure> figures() {
        List<Double> floor = runs.get("floor");
        List<Figure> figures = new ArrayList<>();
        String floorText = "floor: one bare Ignite node, process start to its SQL port answering";
        figures.add(new Figure("Provision 1 aggregator + 1 leaf per AG: spec applied to first SQL answer", "ms",
                runs.get("provision-1x1"), floorText, floor));
        figures.add(new Figure("Provision 1 aggregator + 2 leaves per AG: spec applied to first SQL answer", "ms",
                runs.get("provision-1x2"), floorText, floor));
        for (String event : List.of("leaf", "aggregator")) {
            String title = event.equals("leaf") ? "Leaf kill -9 under load" : "Aggregator kill -9 under load (2 aggregators)";
            String goal = event.equals("leaf") ? "goal 0 (DESIGN.md, bare Ignite: no failed write)"
                    : "DESIGN.md, bare Ignite with both addresses: 1 failed call";
            figures.add(new Figure(title + ": failed statements", "", runs.get(event + "-failed"), goal, List.of()));
            figures.add(new Figure(title + ": longest error window", "ms", runs.get(event + "-window"),
                    event.equals("leaf") ? "goal 0 ms" : "DESIGN.md, bare Ignite: 324 ms", List.of()));
            figures.add(new Figure(title + ": write p99 around the event", "ms", runs.get(event + "-p99"),
                    "write p99 of the steady load before it", runs.get(event + "-steady-p99")));
            figures.add(new Figure(title + ": until RedundancyMet is true again", "ms", runs.get(event + "-redundancy"),
                    floorText, floor));
        }
        return figures;
    }

    private void record(String key, double value) {
        runs.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        log("%s = %.0f", key, value);
    }

    private static DatabaseClusterSpec spec(int aggregators, int leavesPerGroup) {
        return new DatabaseClusterSpec(RELEASE, 2, new AggregatorsSpec(aggregators, 0.25),
                new LeavesSpec(leavesPerGroup, 0.25, 1, null), Map.of(), false);
    }

    /** The floor: one leaf started alone as a process, until its SQL listener accepts a JDBC connection. */
    private static double bareNodeStart(Path dir) {
        DatabaseClusterSpec spec = new DatabaseClusterSpec(RELEASE, 1, new AggregatorsSpec(1, 0.25),
                new LeavesSpec(1, 0.25, 1, null), Map.of(), false);
        NodeId leaf = NodeId.leaf(1, 0);
        try (LocalRuntime runtime = new LocalRuntime(dir, ReleaseCatalog.fromSystemProperties(), "127.0.0.1",
                Duration.ofSeconds(20))) {
            Map<NodeId, NodePlacement> placements = runtime.place("floor", List.of(leaf));
            Topology topology = new Topology("floor", spec, placements);
            String url = Topology.jdbcUrl(List.of(placements.get(leaf).sqlAddress()));
            var launch = IgniteEngine.local().render(topology, leaf);
            long start = System.nanoTime();
            runtime.start("floor", leaf, launch);
            awaitTrue("bare node SQL port", Duration.ofMinutes(2), () -> connects(url));
            return millisSince(start);
        }
    }

    /** Spec applied, until a statement through the status's aggregator endpoint answers. */
    private double provision(Path dir, DatabaseClusterSpec spec) {
        try (BenchRegion region = new BenchRegion(dir)) {
            long start = System.nanoTime();
            region.apply("bench", spec);
            awaitTrue("first SQL answer through an aggregator", STEP_TIMEOUT, () -> region.status("bench")
                    .map(DatabaseClusterStatus::endpoints).map(e -> answers(e.jdbcUrl())).orElse(false));
            return millisSince(start);
        }
    }

    /** 2 aggregators and 2 leaves per AG under load through both aggregators: kill -9 a leaf, then an aggregator. */
    private void failover(Path dir) {
        DatabaseClusterSpec spec = spec(2, 2);
        try (BenchRegion region = new BenchRegion(dir)) {
            long generation = region.apply("bench", spec);
            DatabaseClusterStatus ready = awaitWhole(region, generation);
            try (Workload load = Workload.start(WorkloadOptions.defaults(ready.endpoints().jdbcUrl(), "bench")
                    .withTableOptions("template=canopy").withWriters(2, 40).withReaders(1, 40)
                    .withStatementTimeout(Duration.ofSeconds(20)))) {
                awaitTrue("the load runs", Duration.ofMinutes(1), () -> load.progress().writesOk() >= 100);
                for (NodeId node : List.of(NodeId.leaf(1, 1), NodeId.aggregator(0))) {
                    String event = node.isLeaf() ? "leaf" : "aggregator";
                    // a steady stretch before each event: the p99 it is compared with
                    sleep(Duration.ofSeconds(5));
                    PhaseStats steady = checked(load, load.cut("steady before " + node));
                    long start = System.nanoTime();
                    long pid = kill(region.runtime, node);
                    awaitBack(region, spec, node, pid);
                    awaitWhole(region, generation);
                    double redundancy = millisSince(start);
                    // the load keeps running a little after the event, so that the window covers its aftermath
                    sleep(Duration.ofSeconds(3));
                    PhaseStats around = checked(load, load.cut("kill -9 " + node));
                    record(event + "-failed", around.writesFailed() + around.readsFailed());
                    record(event + "-window", around.longestErrorWindow().toMillis());
                    record(event + "-p99", around.writeP99().toMillis());
                    record(event + "-steady-p99", steady.writeP99().toMillis());
                    record(event + "-redundancy", redundancy);
                }
            }
        }
    }

    /** A benchmark that loses an acknowledged write fails: this throws, and nothing is published. */
    private static PhaseStats checked(Workload load, PhaseStats stats) {
        Verification verification = load.verify(Duration.ofSeconds(60));
        log("%s | %s", stats.summary(), verification.summary());
        if (stats.readsLost() > 0 || !verification.missingIds().isEmpty() || !verification.complete()) {
            throw new IllegalStateException("acknowledged writes lost or unverified after " + stats.label() + ": "
                    + verification.summary() + ", lost reads " + stats.readsLost());
        }
        return stats;
    }

    /** A new process for the node, every node joined with every partition owned, and an aggregator serving SQL. */
    private static void awaitBack(BenchRegion region, DatabaseClusterSpec spec, NodeId node, long oldPid) {
        awaitTrue(node + " restarted", Duration.ofMinutes(1),
                () -> region.runtime.pid("bench", node).orElse(oldPid) != oldPid);
        Topology topology = new Topology("bench", spec, region.runtime.place("bench", DesiredNodes.all(spec)));
        IgniteEngine engine = IgniteEngine.local();
        awaitTrue(node + " joined and every partition owned", STEP_TIMEOUT, () -> {
            var view = engine.observe(topology);
            return DesiredNodes.all(spec).stream().allMatch(view::joined) && view.partitionsNotOwning() == 0;
        });
        if (!node.isLeaf()) {
            awaitTrue(node + " serving SQL", Duration.ofMinutes(1), () -> engine.sqlAnswers(topology, node));
        }
    }

    private static DatabaseClusterStatus awaitWhole(BenchRegion region, long generation) {
        awaitTrue("Ready, RedundancyMet and Balanced at generation " + generation + " (failures: " + region.failures + ")",
                STEP_TIMEOUT, () -> region.status("bench").filter(s -> s.phase() == Phase.Ready
                        && s.observedGeneration() == generation && s.isTrue(Condition.REDUNDANCY_MET)
                        && s.isTrue(Condition.BALANCED)).isPresent());
        return region.status("bench").orElseThrow();
    }

    private static long kill(LocalRuntime runtime, NodeId node) {
        long pid = runtime.pid("bench", node).orElseThrow(() -> new IllegalStateException(node + " is not running"));
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        process.onExit().join();
        log("killed %s (pid %d)", node, pid);
        return pid;
    }

    private static boolean connects(String url) {
        try (Connection ignored = DriverManager.getConnection(url)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static boolean answers(String url) {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT 1").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void awaitTrue(String what, Duration atMost, BooleanSupplier condition) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + atMost + " waiting for " + what);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static double millisSince(long startNanos) {
        // whole milliseconds: the runs vary by hundreds of them
        return Math.round((System.nanoTime() - startNanos) / 1_000_000.0);
    }

    static void log(String format, Object... args) {
        System.out.printf("%tT bench: %s%n", System.currentTimeMillis(), format.formatted(args));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

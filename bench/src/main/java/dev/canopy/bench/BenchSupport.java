package dev.canopy.bench;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.Topology;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.runtime.local.LocalRuntime;
import dev.canopy.workload.PhaseStats;
import dev.canopy.workload.Verification;
import dev.canopy.workload.Workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** What the figure groups share: the release, waiting, killing, the loss check and the log. */
final class BenchSupport {
    static final String RELEASE = "2.17.0";
    static final Duration STEP_TIMEOUT = Duration.ofMinutes(4);
    /** The floor several figures stand next to: one bare Ignite node, measured by {@link ProvisionBench}. */
    static final String FLOOR = "floor";
    static final String FLOOR_TEXT = "floor: one bare Ignite node, process start to its SQL port answering";

    private BenchSupport() {
    }

    static DatabaseClusterSpec spec(int aggregators, int leavesPerGroup) {
        return new DatabaseClusterSpec(RELEASE, 2, new AggregatorsSpec(aggregators, 0.25),
                new LeavesSpec(leavesPerGroup, 0.25, 1, null), Map.of(), false);
    }

    /** A benchmark that loses an acknowledged write fails: this throws, and nothing is published. */
    static PhaseStats checked(Workload load, PhaseStats stats) {
        Verification verification = load.verify(Duration.ofSeconds(60));
        log("%s | %s", stats.summary(), verification.summary());
        if (stats.readsLost() > 0 || !verification.missingIds().isEmpty() || !verification.complete()) {
            throw new IllegalStateException("acknowledged writes lost or unverified after " + stats.label() + ": "
                    + verification.summary() + ", lost reads " + stats.readsLost());
        }
        return stats;
    }

    /** A new process for the node, every node joined with every partition owned, and an aggregator serving SQL. */
    static void awaitBack(BenchRegion region, DatabaseClusterSpec spec, NodeId node, long oldPid) {
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

    static DatabaseClusterStatus awaitWhole(BenchRegion region, long generation) {
        awaitTrue("Ready, RedundancyMet and Balanced at generation " + generation + " (failures: " + region.failures + ")",
                STEP_TIMEOUT, () -> region.status("bench").filter(s -> s.phase() == Phase.Ready
                        && s.observedGeneration() == generation && s.isTrue(Condition.REDUNDANCY_MET)
                        && s.isTrue(Condition.BALANCED)).isPresent());
        return region.status("bench").orElseThrow();
    }

    static long kill(LocalRuntime runtime, NodeId node) {
        long pid = runtime.pid("bench", node).orElseThrow(() -> new IllegalStateException(node + " is not running"));
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        process.onExit().join();
        log("killed %s (pid %d)", node, pid);
        return pid;
    }

    static boolean connects(String url) {
        try (Connection ignored = DriverManager.getConnection(url)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    static boolean answers(String url) {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT 1").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    static void awaitTrue(String what, Duration atMost, BooleanSupplier condition) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + atMost + " waiting for " + what);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static double millisSince(long startNanos) {
        // whole milliseconds: the runs vary by hundreds of them
        return Math.round((System.nanoTime() - startNanos) / 1_000_000.0);
    }

    static void log(String format, Object... args) {
        System.out.printf("%tT bench: %s%n", System.currentTimeMillis(), format.formatted(args));
    }

    static void deleteTree(Path dir) throws IOException {
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

package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.NodeId;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.workload.PhaseStats;
import dev.canopy.workload.Verification;
import dev.canopy.workload.Workload;
import dev.canopy.workload.WorkloadOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The day-2 promise on real processes, under a continuous write and read load through both aggregators: kill -9 a
 * leaf, lose a leaf's storage, scale out 2 to 3 leaves per availability group, scale back in, roll an upgrade of a
 * restart-requiring setting, kill -9 an aggregator. After each, every acknowledged write is read back (0 lost); the
 * failed statements and the longest error window are printed, and must be 0 for all but the aggregator kill, whose
 * window must stay under a second.
 */
class ChaosProcessesTest {
    private static final String CLUSTER = "chaos";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    Path dataDir;
    private RegionFixture fixture;
    private final List<String> report = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        System.out.println("chaos report:\n  " + String.join("\n  ", report));
        if (fixture != null) {
            fixture.close();
        }
    }

    private static DatabaseClusterSpec spec(int leavesPerGroup, Map<String, String> config) {
        return new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(2, 0.25),
                new LeavesSpec(leavesPerGroup, 0.25, 1, null), config, false);
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillsScalingAndARollingUpgrade() throws Exception {
        fixture = new RegionFixture(dataDir, PlannerPolicy.DEFAULTS.withReplaceDownLeafAfter(Duration.ofMinutes(3)));
        long generation = fixture.apply(CLUSTER, spec(2, Map.of()));
        DatabaseClusterStatus ready = awaitWhole(generation);
        String url = ready.endpoints().jdbcUrl();
        assertThat(ready.endpoints().aggregators()).hasSize(2);

        WorkloadOptions options = WorkloadOptions.defaults(url, "chaos").withTableOptions("template=canopy")
                .withWriters(2, 40).withReaders(1, 40).withStatementTimeout(Duration.ofSeconds(20));
        try (Workload load = Workload.start(options)) {
            await("the load runs").atMost(Duration.ofMinutes(1)).until(() -> load.progress().writesOk() >= 100);
            check(load, load.cut("steady load"), true);

            NodeId killed = NodeId.leaf(1, 1);
            kill(killed);
            fixture.awaitStatus(CLUSTER, "the kill noticed", s -> s.isTrue(Condition.DEGRADED)
                    || !s.isTrue(Condition.REDUNDANCY_MET), Duration.ofMinutes(1));
            awaitWhole(generation);
            check(load, load.cut("kill -9 " + killed), true);

            NodeId wiped = NodeId.leaf(2, 0);
            kill(wiped);
            deleteTree(fixture.runtime.nodeDirectory(CLUSTER, wiped));
            fixture.awaitStatus(CLUSTER, "the lost leaf noticed", s -> s.isTrue(Condition.DEGRADED)
                    || !s.isTrue(Condition.REDUNDANCY_MET), Duration.ofMinutes(1));
            awaitWhole(generation);
            assertThat(fixture.runtime.nodeDirectory(CLUSTER, wiped).resolve("db")).as("refilled storage").isDirectory();
            check(load, load.cut("storage of " + wiped + " deleted"), true);

            generation = fixture.apply(CLUSTER, spec(3, Map.of()));
            DatabaseClusterStatus out = awaitWhole(generation);
            assertThat(out.leaves().ready()).isEqualTo(6);
            check(load, load.cut("scale out 2->3 leaves per AG"), true);

            generation = fixture.apply(CLUSTER, spec(2, Map.of()));
            DatabaseClusterStatus in = awaitWhole(generation);
            assertThat(in.leaves().ready()).isEqualTo(4);
            assertThat(fixture.runtime.nodeDirectory(CLUSTER, NodeId.leaf(1, 2))).as("removed leaf's storage").doesNotExist();
            assertThat(fixture.runtime.nodeDirectory(CLUSTER, NodeId.leaf(2, 2))).as("removed leaf's storage").doesNotExist();
            check(load, load.cut("scale in 3->2 leaves per AG"), true);

            generation = fixture.apply(CLUSTER, spec(2, Map.of("checkpointFrequencyMs", "60000")));
            DatabaseClusterStatus upgraded = awaitWhole(generation);
            assertThat(upgraded.upgrade()).isNotNull();
            assertThat(upgraded.upgrade().finishedAt()).isNotNull();
            assertThat(upgraded.upgrade().nodesRestarted()).isEqualTo(6);
            check(load, load.cut("rolling restart for checkpointFrequencyMs"), true);

            NodeId aggregator = NodeId.aggregator(0);
            kill(aggregator);
            fixture.awaitStatus(CLUSTER, "the aggregator back", s -> s.phase() == Phase.Ready
                    && fixture.runtime.pid(CLUSTER, aggregator).isPresent() && s.aggregators().ready() == 2,
                    Duration.ofMinutes(2));
            PhaseStats aggregatorKill = load.cut("kill -9 " + aggregator);
            check(load, aggregatorKill, false);
            assertThat(aggregatorKill.longestErrorWindow()).as("error window of an aggregator kill")
                    .isLessThan(Duration.ofSeconds(1));
        }
    }

    /** Ready, every copy owned, at this generation. */
    private DatabaseClusterStatus awaitWhole(long generation) {
        return fixture.awaitStatus(CLUSTER, "Ready, redundancy met and balanced at generation " + generation
                        + " (failures so far: " + fixture.failures + ")",
                s -> s.phase() == Phase.Ready && s.observedGeneration() == generation
                        && s.isTrue(Condition.REDUNDANCY_MET) && s.isTrue(Condition.BALANCED), STEP_TIMEOUT);
    }

    private void check(Workload load, PhaseStats stats, boolean noFailedStatements) {
        Verification verification = load.verify(Duration.ofSeconds(60));
        report.add(stats.summary() + " | " + verification.summary());
        System.out.println("chaos: " + stats.summary() + " | " + verification.summary());
        assertThat(stats.readsLost()).as("lost reads in %s", stats.label()).isZero();
        assertThat(verification.missingIds()).as("acknowledged writes missing after %s", stats.label()).isEmpty();
        assertThat(verification.complete()).as("verification read everything after %s", stats.label()).isTrue();
        assertThat(stats.writesOk()).as("writes acknowledged during %s", stats.label()).isPositive();
        if (noFailedStatements) {
            assertThat(stats.writesFailed()).as("failed writes during %s", stats.label()).isZero();
            assertThat(stats.readsFailed()).as("failed reads during %s", stats.label()).isZero();
        }
    }

    private void kill(NodeId node) {
        long pid = fixture.runtime.pid(CLUSTER, node).orElseThrow(() -> new AssertionError(node + " is not running"));
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        process.onExit().join();
        System.out.printf("chaos: killed %s (pid %d)%n", node, pid);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

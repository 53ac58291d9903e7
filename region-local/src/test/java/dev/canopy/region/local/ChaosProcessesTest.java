package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.core.Topology;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.workload.PhaseStats;
import dev.canopy.workload.Verification;
import dev.canopy.workload.Workload;
import dev.canopy.workload.WorkloadOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
 * failed statements and the longest error window are printed, and must be 0 for all but the aggregator restarts and
 * kills, whose windows must stay under a second.
 */
class ChaosProcessesTest {
    private static final String CLUSTER = "chaos";
    /**
     * The leaves' rolling restart restarts four leaves one at a time, each rejoining and caught up before the next: on a
     * loaded 2-core machine that took 60 s a leaf (2026-12-07), the whole 4 minutes.
     */
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(6);

    @TempDir
    Path dataDir;
    @RegisterExtension
    final RegionFixtures fixtures = new RegionFixtures();
    private RegionFixture fixture;
    private final List<String> report = new ArrayList<>();
    /** Writes that failed and did not commit, as of the last check. */
    private long failedNotCommittedBefore;

    @AfterEach
    void stopEverything() {
        report.forEach(line -> System.out.println("chaos report: " + line));
    }

    private static DatabaseClusterSpec spec(int leavesPerGroup, Map<String, String> config) {
        return new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(2, 0.25),
                new LeavesSpec(leavesPerGroup, 0.25, 1, null), config, false);
    }

    private static DatabaseClusterSpec spec(int leavesPerGroup, double leafHeight, double aggregatorHeight) {
        return new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(2, aggregatorHeight),
                new LeavesSpec(leavesPerGroup, leafHeight, 1, null), Map.of(), false);
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillsScalingAndARollingUpgrade() throws Exception {
        // -Dcanopy.chaos.wholeAvailabilityGroup=true restarts a whole group at once in the rolling restart (to compare)
        // a stalled rebalance is started again after 1 minute rather than 2, so that it fits in a step's time
        fixture = fixtures.open(dataDir, PlannerPolicy.DEFAULTS.withReplaceDownLeafAfter(Duration.ofMinutes(3))
                .withRebalanceStalledAfter(Duration.ofMinutes(1))
                .withWholeAvailabilityGroup(Boolean.getBoolean("canopy.chaos.wholeAvailabilityGroup")));
        long generation = fixture.apply(CLUSTER, spec(2, Map.of()));
        DatabaseClusterStatus ready = awaitWhole(generation);
        String url = ready.endpoints().jdbcUrl();
        assertThat(ready.endpoints().aggregators()).hasSize(2);

        try (Workload load = startLoad(url, fixture.login(CLUSTER))) {
            check(load, load.cut("steady load"), true);

            killLeafAndAwaitItBack(load, NodeId.leaf(1, 1), generation);

            // the other availability group than the leaf just killed: its copies are the ones the killed leaf caught up
            // from, so a leaf counted as caught up too early loses acknowledged writes here (it once lost ~100 of them)
            loseStorageAndAwaitRefill(load, NodeId.leaf(2, 0), generation);

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

            // a restart-requiring setting of the leaves (their height): AG1 one leaf at a time, then AG2
            generation = fixture.apply(CLUSTER, spec(2, 0.5, 0.25));
            DatabaseClusterStatus leavesRolled = awaitWhole(generation);
            assertThat(leavesRolled.upgrade().finishedAt()).isNotNull();
            assertThat(leavesRolled.upgrade().nodesRestarted()).isEqualTo(4);
            check(load, load.cut("rolling restart of the leaves (height)"), true);

            // and of the aggregators, one at a time: each connection to the one restarting fails its next statement (the
            // thin driver has no way to be told to leave first) and reconnects to the other
            generation = fixture.apply(CLUSTER, spec(2, 0.5, 0.5));
            DatabaseClusterStatus aggregatorsRolled = awaitWhole(generation);
            assertThat(aggregatorsRolled.upgrade().nodesRestarted()).isEqualTo(2);
            PhaseStats aggregatorRoll = load.cut("rolling restart of the aggregators (height)");
            check(load, aggregatorRoll, false);
            // the same bound as one aggregator kill below: 170-340 ms is usual, but the first statements on an
            // aggregator just restarted and still cold once took 1.6 s (CI on a fresh clone), as kills sometimes do
            assertThat(aggregatorRoll.longestErrorWindow()).as("error window of an aggregator restart")
                    .isLessThan(Duration.ofSeconds(3));

            // three aggregator kills, alternating, each after the other aggregator serves SQL again. The median window
            // must stay under a second (70-250 ms here; over a second when a restarted aggregator counted as serving
            // before it knew the tables, and clients moved to it got "Table not found"); a single window may reach a
            // second on a machine loaded far beyond its cores, hence the looser bound on each
            List<Duration> windows = new ArrayList<>();
            for (int ordinal : new int[]{0, 1, 0}) {
                NodeId aggregator = NodeId.aggregator(ordinal);
                long pid = kill(aggregator);
                // back in the engine's own view before the next kill, so that the two are never down together
                awaitBack(aggregator, pid, spec(2, 0.5, 0.5));
                PhaseStats aggregatorKill = load.cut("kill -9 " + aggregator);
                check(load, aggregatorKill, false);
                windows.add(aggregatorKill.longestErrorWindow());
            }
            Duration median = windows.stream().sorted().toList().get(1);
            report.add("aggregator kill error windows " + windows.stream().map(d -> d.toMillis() + " ms").toList()
                    + ", median " + median.toMillis() + " ms");
            assertThat(median).as("median error window of the aggregator kills %s", windows).isLessThan(Duration.ofSeconds(1));
            assertThat(windows).as("error windows of the aggregator kills")
                    .allSatisfy(window -> assertThat(window).isLessThan(Duration.ofSeconds(3)));
        }
    }

    /** Two writers and a reader through every aggregator, running once 100 writes are acknowledged. */
    private static Workload startLoad(String url, java.util.Properties login) {
        Workload load = Workload.start(WorkloadOptions.defaults(url, "chaos").withTableOptions("template=canopy").withLogin(login)
                .withWriters(2, 40).withReaders(1, 40).withStatementTimeout(Duration.ofSeconds(20)));
        await("the load runs").atMost(Duration.ofMinutes(1)).until(() -> load.progress().writesOk() >= 100);
        return load;
    }

    private void killLeafAndAwaitItBack(Workload load, NodeId leaf, long generation) {
        long pid = kill(leaf);
        awaitBack(leaf, pid, spec(2, Map.of()));
        awaitWhole(generation);
        check(load, load.cut("kill -9 " + leaf), true);
    }

    private void loseStorageAndAwaitRefill(Workload load, NodeId leaf, long generation) throws IOException {
        long pid = kill(leaf);
        deleteTree(fixture.runtime.nodeDirectory(CLUSTER, leaf));
        awaitBack(leaf, pid, spec(2, Map.of()));
        awaitWhole(generation);
        assertThat(fixture.runtime.nodeDirectory(CLUSTER, leaf).resolve("db")).as("refilled storage").isDirectory();
        check(load, load.cut("storage of " + leaf + " deleted"), true);
    }

    /**
     * The node runs again as a new process, and the engine itself (asked directly, not through the status, which a
     * quick restart can leave unchanged) sees every node joined and no partition moving; an aggregator answers SQL.
     */
    private void awaitBack(NodeId node, long oldPid, DatabaseClusterSpec spec) {
        await(node + " restarted").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> fixture.runtime.pid(CLUSTER, node).orElse(oldPid) != oldPid);
        Topology topology = new Topology(CLUSTER, spec, fixture.runtime.place(CLUSTER, DesiredNodes.all(spec)));
        IgniteEngine engine = fixture.engine;
        await(node + " joined and every partition owned").atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> engine.observe(topology), view -> DesiredNodes.all(spec).stream().allMatch(view::joined)
                        && view.partitionsNotOwning() == 0);
        if (!node.isLeaf()) {
            // an aggregator joins before its SQL listener serves; and the killed one can still count as joined until
            // the ring's failure detection drops it, so this wait may cover the new process's whole start (62 s once,
            // on a machine loaded far beyond its cores)
            await(node + " serving SQL").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> engine.sqlAnswers(topology, node));
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
        long failedNotCommitted = verification.inDoubt() - verification.inDoubtFound();
        if (noFailedStatements) {
            // a failed write whose row is there is Ignite remapping an INSERT across a baseline change and meeting its own
            // row ("Failed to INSERT some keys because they are already in cache": seen once in ~600 writes of a scale-in,
            // in one run of several); nothing is lost, and nothing failed that did not happen
            assertThat(failedNotCommitted).as("writes that failed and did not commit during %s (%d failed in all)",
                    stats.label(), stats.writesFailed()).isEqualTo(failedNotCommittedBefore);
            assertThat(stats.readsFailed()).as("failed reads during %s", stats.label()).isZero();
        }
        failedNotCommittedBefore = failedNotCommitted;
    }

    private long kill(NodeId node) {
        long pid = fixture.runtime.pid(CLUSTER, node).orElseThrow(() -> new AssertionError(node + " is not running"));
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        process.onExit().join();
        System.out.printf("chaos: killed %s (pid %d)%n", node, pid);
        return pid;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package dev.canopy.core;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.api.UpgradeStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.canopy.core.TestClusters.AG1_0;
import static dev.canopy.core.TestClusters.AG1_1;
import static dev.canopy.core.TestClusters.AG1_2;
import static dev.canopy.core.TestClusters.AG2_0;
import static dev.canopy.core.TestClusters.AG2_2;
import static dev.canopy.core.TestClusters.CLUSTER;
import static dev.canopy.core.TestClusters.LEAF_NAMES;
import static dev.canopy.core.TestClusters.spec;
import static org.assertj.core.api.Assertions.assertThat;

/** Scale, heal and upgrade through the reconciler, on the fake runtime and engine: the order of every call. */
class DayTwoOperationsTest {
    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");
    private static final PlannerPolicy POLICY = PlannerPolicy.DEFAULTS.withReplaceDownLeafAfter(Duration.ofSeconds(60));

    private final FakeRuntime runtime = new FakeRuntime();
    private final FakeEngine engine = new FakeEngine(runtime);
    private final AheadClock clock = AheadClock.fixedAt(START);
    private Reconciler reconciler = new Reconciler(runtime, engine, clock, POLICY);
    private DatabaseClusterStatus status;
    private final List<Step> steps = new ArrayList<>();

    private Step reconcile(DatabaseClusterSpec spec) {
        clock.advanceSeconds(1);
        ReconcileResult result = reconciler.reconcile(CLUSTER, 1, spec, status);
        status = result.status();
        steps.add(result.step());
        return result.step();
    }

    private void reconcileUntilDone(DatabaseClusterSpec spec, int max) {
        for (int pass = 1; pass <= max; pass++) {
            if (reconcile(spec) instanceof Step.Done) {
                return;
            }
        }
        throw new AssertionError("not done after " + max + " passes; steps: " + steps);
    }

    private void ready(DatabaseClusterSpec spec) {
        reconcileUntilDone(spec, 10);
        assertThat(status.phase()).isEqualTo(Phase.Ready);
        runtime.clearCalls();
        engine.clearCalls();
        steps.clear();
    }

    private static DatabaseClusterSpec withLeafHeight(DatabaseClusterSpec spec, double height) {
        LeavesSpec l = spec.leaves();
        return new DatabaseClusterSpec(spec.release(), spec.redundancyLevel(), spec.aggregators(),
                new LeavesSpec(l.count(), height, l.storageGB(), l.storageClass()), spec.config(), spec.suspended());
    }

    private static DatabaseClusterSpec withConfig(DatabaseClusterSpec spec, Map<String, String> config) {
        return new DatabaseClusterSpec(spec.release(), spec.redundancyLevel(), spec.aggregators(), spec.leaves(), config,
                spec.suspended());
    }

    private static DatabaseClusterSpec withRelease(DatabaseClusterSpec spec, String release) {
        return new DatabaseClusterSpec(release, spec.redundancyLevel(), spec.aggregators(), spec.leaves(), spec.config(),
                spec.suspended());
    }

    // --- scale in ---------------------------------------------------------------------------------------------------

    @Test
    void scaleInStopsRemovesFromBaselineWaitsThenDeletesOneLeafAtATime() {
        ready(spec(3, 1));

        // the first leaf is stopped and taken out of the baseline; its partitions are moving
        reconcile(spec());
        reconcile(spec());
        assertThat(runtime.journal()).containsExactly("stop leaf-ag1-2",
                "setBaseline [leaf-ag1-0, leaf-ag1-1, leaf-ag2-0, leaf-ag2-1, leaf-ag2-2]");
        engine.partitionsNotOwning(12);
        Step waiting = reconcile(spec());
        assertThat(waiting).isEqualTo(new Step.Wait("ScalingIn",
                "12 partition copies still moving off leaf-ag1-2 (2 leaves left to remove)"));
        assertThat(status.phase()).isEqualTo(Phase.Scaling);
        assertThat(status.condition(Condition.PROGRESSING).orElseThrow().message()).contains("12 partition copies");
        assertThat(runtime.journal()).doesNotContain("delete leaf-ag1-2");

        engine.partitionsNotOwning(0);
        reconcileUntilDone(spec(), 10);

        assertThat(runtime.journal()).containsExactly(
                "stop leaf-ag1-2", "setBaseline [leaf-ag1-0, leaf-ag1-1, leaf-ag2-0, leaf-ag2-1, leaf-ag2-2]",
                "delete leaf-ag1-2",
                "stop leaf-ag2-2", "setBaseline [leaf-ag1-0, leaf-ag1-1, leaf-ag2-0, leaf-ag2-1]",
                "delete leaf-ag2-2");
        assertThat(engine.baseline(CLUSTER)).isEqualTo(LEAF_NAMES);
        assertThat(runtime.state(CLUSTER, AG1_2)).isEmpty();
        assertThat(runtime.state(CLUSTER, AG2_2)).isEmpty();
        assertThat(status.phase()).isEqualTo(Phase.Ready);
        assertThat(status.leaves()).extracting(NodeCounts::ready, NodeCounts::total).containsExactly(4, 4);
    }

    @Test
    void scaleInWaitsForARunningRebalanceBeforeStoppingAnything() {
        ready(spec(3, 1));
        engine.partitionsNotOwning(3);

        Step step = reconcile(spec());

        assertThat(step).isInstanceOf(Step.Wait.class);
        assertThat(step.message()).isEqualTo("3 partition copies still moving before leaf-ag1-2 is removed (2 leaves left to remove)");
        assertThat(runtime.journal()).isEmpty();
    }

    @Test
    void scaleInAtRedundancyOneIsRefusedAndTouchesNothing() {
        DatabaseClusterSpec three = new DatabaseClusterSpec("2.17.0", 1, new AggregatorsSpec(1, 1.0),
                new LeavesSpec(3, 1.0, 10, null), Map.of(), null);
        ready(three);
        DatabaseClusterSpec two = new DatabaseClusterSpec("2.17.0", 1, new AggregatorsSpec(1, 1.0),
                new LeavesSpec(2, 1.0, 10, null), Map.of(), null);

        Step step = reconcile(two);
        reconcile(two);

        assertThat(step).isInstanceOf(Step.Blocked.class);
        assertThat(step.reason()).isEqualTo("ScaleInWouldLoseData");
        assertThat(step.message()).contains("leaf-ag1-2, leaf-ag2-2").contains("redundancyLevel 1");
        assertThat(runtime.journal()).isEmpty();
        Condition progressing = status.condition(Condition.PROGRESSING).orElseThrow();
        assertThat(progressing.status()).isEqualTo(Condition.FALSE);
        assertThat(progressing.reason()).isEqualTo("ScaleInWouldLoseData");
    }

    @Test
    void scaleInWhileAnotherLeafIsDownIsRefusedUntilItIsBack() {
        ready(spec(3, 1));
        runtime.crash(CLUSTER, AG2_0);
        assertThat(reconcile(spec())).isInstanceOf(Step.Wait.class);
        runtime.recover(CLUSTER, AG2_0);
        // the other leaf to remove is down: its partitions' only copy in AG1 may be on leaf-ag1-2
        runtime.crash(CLUSTER, AG2_2);

        Step step = reconcile(spec());

        assertThat(step).isEqualTo(new Step.Blocked("ScaleInUnsafe", "not removing leaf-ag1-2 while leaf-ag2-2 is down:"
                + " stopping it now could leave partitions with no copy; waiting for the cluster to be whole"));
        assertThat(runtime.journal()).isEmpty();

        runtime.recover(CLUSTER, AG2_2);
        reconcileUntilDone(spec(), 12);
        assertThat(runtime.journal()).contains("delete leaf-ag1-2", "delete leaf-ag2-2");
    }

    @Test
    void aggregatorsScaleOutAndIn() {
        ready(spec());

        reconcileUntilDone(spec(2, 3), 5);
        assertThat(runtime.journal()).containsExactly("start aggregator-1", "start aggregator-2");
        assertThat(status.endpoints().aggregators()).hasSize(3);

        runtime.clearCalls();
        reconcileUntilDone(spec(2, 1), 5);
        assertThat(runtime.journal()).containsExactly("delete aggregator-2", "delete aggregator-1");
        assertThat(status.endpoints().aggregators()).hasSize(1);
    }

    // --- rolling restart --------------------------------------------------------------------------------------------

    @Test
    void heightChangeRollsAg1ThenAg2ThenTheAggregatorsOneAtATime() {
        DatabaseClusterSpec spec = spec(2, 2);
        ready(spec);
        DatabaseClusterSpec taller = new DatabaseClusterSpec(spec.release(), 2, new AggregatorsSpec(2, 2.0),
                new LeavesSpec(2, 2.0, 10, null), Map.of(), null);

        Step first = reconcile(taller);
        Instant started = clock.instant();
        assertThat(first).isEqualTo(new Step.RestartNodes(List.of(AG1_0), "RollingRestart", "restarting leaf-ag1-0 (1 of 6)"));
        assertThat(status.phase()).isEqualTo(Phase.Upgrading);
        assertThat(status.upgrade()).isEqualTo(new UpgradeStatus("2.17.0", "2.17.0", UpgradeStatus.ROLLING_RESTART,
                started.toString(), null, 6, 0, null));
        reconcileUntilDone(taller, 20);

        assertThat(runtime.journal()).containsExactly("start leaf-ag1-0", "start leaf-ag1-1", "start leaf-ag2-0",
                "start leaf-ag2-1", "start aggregator-0", "start aggregator-1");
        assertThat(steps).filteredOn(s -> s instanceof Step.RestartNodes).extracting(Step::message).containsExactly(
                "restarting leaf-ag1-0 (1 of 6)", "restarting leaf-ag1-1 (2 of 6)", "restarting leaf-ag2-0 (3 of 6)",
                "restarting leaf-ag2-1 (4 of 6)", "restarting aggregator-0 (5 of 6)", "restarting aggregator-1 (6 of 6)");
        assertThat(status.phase()).isEqualTo(Phase.Ready);
        UpgradeStatus done = status.upgrade();
        assertThat(done.finishedAt()).isNotNull();
        assertThat(done.nodesRestarted()).isEqualTo(6);
        assertThat(done.offlineSeconds()).isEqualTo(0.0);
        assertThat(runtime.launch(CLUSTER, AG2_0).orElseThrow().files().get("node.properties")).contains("height=2.0");
    }

    @Test
    void theNextAggregatorWaitsUntilTheRestartedOneServesSql() {
        DatabaseClusterSpec spec = spec(2, 2);
        ready(spec);
        DatabaseClusterSpec taller = new DatabaseClusterSpec(spec.release(), 2, new AggregatorsSpec(2, 2.0),
                spec.leaves(), Map.of(), null);

        reconcile(taller);
        engine.holdSqlBack(TestClusters.AGG_0);
        Step waiting = reconcile(taller);
        reconcile(taller);

        assertThat(waiting).isEqualTo(new Step.Wait("RollingRestart",
                "rolling restart, 1 of 2 restarted: waiting for SQL to answer through aggregator-0"));
        assertThat(runtime.journal()).containsExactly("start aggregator-0");
        engine.serveSql(TestClusters.AGG_0);
        reconcileUntilDone(taller, 5);
        assertThat(runtime.journal()).containsExactly("start aggregator-0", "start aggregator-1");
    }

    @Test
    void waitsAfterTheLastRestartStillReadAsTheRollingRestart() {
        DatabaseClusterSpec spec = spec(2, 2);
        ready(spec);
        DatabaseClusterSpec taller = new DatabaseClusterSpec(spec.release(), 2, new AggregatorsSpec(2, 2.0),
                spec.leaves(), Map.of(), null);
        reconcile(taller);
        reconcile(taller);
        assertThat(runtime.journal()).containsExactly("start aggregator-0", "start aggregator-1");
        engine.holdSqlBack(TestClusters.AGG_1);

        Step waiting = reconcile(taller);

        // every node is restarted, but the upgrade is not over until the last one serves: the wait says so
        assertThat(waiting).isEqualTo(new Step.Wait("RollingRestart",
                "rolling restart, 2 of 2 restarted: waiting for SQL to answer through aggregator-1"));
        assertThat(status.upgrade().finishedAt()).isNull();
        engine.serveSql(TestClusters.AGG_1);
        reconcileUntilDone(taller, 5);
        assertThat(status.upgrade().finishedAt()).isNotNull();
    }

    @Test
    void wholeAvailabilityGroupPolicyRestartsAnAgAtOnce() {
        reconciler = new Reconciler(runtime, engine, clock, POLICY.withWholeAvailabilityGroup(true));
        ready(spec());

        reconcileUntilDone(withLeafHeight(spec(), 2.0), 10);

        assertThat(steps).filteredOn(s -> s instanceof Step.RestartNodes).extracting(Step::message)
                .containsExactly("restarting leaf-ag1-0, leaf-ag1-1 (1-2 of 4)", "restarting leaf-ag2-0, leaf-ag2-1 (3-4 of 4)");
    }

    @Test
    void rollingRestartNeverTouchesANodeWhileARebalanceRunsOrANodeIsAway() {
        ready(spec());
        DatabaseClusterSpec changed = withConfig(spec(), Map.of("walMode", "FSYNC"));
        reconcile(changed);
        assertThat(runtime.journal()).containsExactly("start leaf-ag1-0");

        engine.partitionsNotOwning(7);
        Step moving = reconcile(changed);
        assertThat(moving).isEqualTo(new Step.Wait("RollingRestart",
                "rolling restart, 1 of 5 restarted: 7 partition copies are still moving to their owners"));
        runtime.crash(CLUSTER, AG2_0);
        Step away = reconcile(changed);
        assertThat(away).isInstanceOf(Step.Wait.class);
        assertThat(away.message()).isEqualTo("rolling restart, 1 of 5 restarted: waiting for leaf-ag2-0 (crashed, restarting) to join");
        assertThat(runtime.journal()).containsExactly("start leaf-ag1-0");
        assertThat(status.isTrue(Condition.REDUNDANCY_MET)).isFalse();

        // once nothing moves, the crashed leaf (down anyway, the only one away) comes back with the new launch
        engine.partitionsNotOwning(0);
        Step crashed = reconcile(changed);
        assertThat(crashed).isEqualTo(new Step.RestartNodes(List.of(AG2_0), "RestartingCrashedNodes",
                "restarting leaf-ag2-0 with the current spec (crashing with the previous one)"));
        // the leaf just back may show its copies owned before the partition exchange maps it: a pass that sees the
        // whole cluster settled comes before the next restart
        Step settling = reconcile(changed);
        assertThat(settling).isEqualTo(new Step.Wait("RollingRestart",
                "rolling restart, 2 of 5 restarted: letting the cluster settle before the next restart"));
        Step next = reconcile(changed);
        assertThat(next).isEqualTo(new Step.RestartNodes(List.of(AG1_1), "RollingRestart", "restarting leaf-ag1-1 (3 of 5)"));
    }

    @Test
    void aNodeThatCrashesWithTheNewSpecPausesTheRollUntilTheSpecIsFixed() {
        ready(spec());
        DatabaseClusterSpec broken = withConfig(spec(), Map.of("checkpointFrequencyMs", "1"));
        reconcile(broken);
        runtime.crash(CLUSTER, AG1_0);

        for (int i = 0; i < 3; i++) {
            Step paused = reconcile(broken);
            assertThat(paused).isInstanceOf(Step.Wait.class);
            assertThat(paused.message()).contains("leaf-ag1-0 (crashed");
        }
        assertThat(runtime.journal()).containsExactly("start leaf-ag1-0");
        assertThat(status.phase()).isEqualTo(Phase.Upgrading);

        // reverting the spec: the crashing node is restarted with the launch it ran before, and the cluster settles
        Step fixed = reconcile(spec());
        assertThat(fixed).isInstanceOf(Step.RestartNodes.class);
        assertThat(fixed.reason()).isEqualTo("RestartingCrashedNodes");
        reconcileUntilDone(spec(), 10);
        assertThat(runtime.journal()).containsExactly("start leaf-ag1-0", "start leaf-ag1-0");
        assertThat(status.phase()).isEqualTo(Phase.Ready);
    }

    // --- engine version change --------------------------------------------------------------------------------------

    @Test
    void anEngineChangeAskedBlueGreenOfThisPlannerIsBlockedWithTheWayOut() {
        ready(spec());
        Step blocked = reconcile(withRelease(spec(), "2.16.0").withUpgradeStrategy(DatabaseClusterSpec.BLUE_GREEN));
        assertThat(blocked).isInstanceOf(Step.Blocked.class);
        assertThat(blocked.reason()).isEqualTo("BlueGreenUnavailable");
        assertThat(blocked.message()).contains("stays at 2.17.0", "CoordinatedRestart");
        assertThat(runtime.journal()).as("nothing stopped").isEmpty();
    }

    @Test
    void engineVersionChangeIsACoordinatedRestartWithItsOfflineTimeRecorded() {
        ready(spec());
        DatabaseClusterSpec next = withRelease(spec(), "2.16.0");

        Step stop = reconcile(next);

        assertThat(stop).isInstanceOf(Step.StopNodes.class);
        assertThat(stop.reason()).isEqualTo("CoordinatedRestart");
        assertThat(stop.message()).contains("engine 2.17.0 -> 2.16.0 cannot roll").contains("offline");
        assertThat(status.phase()).isEqualTo(Phase.Upgrading);
        assertThat(status.upgrade().strategy()).isEqualTo(UpgradeStatus.COORDINATED_RESTART);
        reconcileUntilDone(next, 10);

        assertThat(runtime.journal()).containsExactly(
                "stop aggregator-0", "stop leaf-ag1-0", "stop leaf-ag1-1", "stop leaf-ag2-0", "stop leaf-ag2-1",
                "start leaf-ag1-0", "start leaf-ag1-1", "start leaf-ag2-0", "start leaf-ag2-1", "start aggregator-0");
        assertThat(runtime.launch(CLUSTER, AG1_0).orElseThrow().release()).isEqualTo("2.16.0");
        assertThat(status.phase()).isEqualTo(Phase.Ready);
        assertThat(status.release()).isEqualTo("2.16.0");
        UpgradeStatus upgrade = status.upgrade();
        assertThat(upgrade.fromRelease()).isEqualTo("2.17.0");
        assertThat(upgrade.toRelease()).isEqualTo("2.16.0");
        assertThat(upgrade.finishedAt()).isNotNull();
        assertThat(upgrade.offlineSeconds()).isEqualTo((double) (steps.size() - 1));
    }

    @Test
    void releaseOfTheSameEngineVersionRolls() {
        ready(spec());

        Step step = reconcile(withRelease(spec(), "2.17.0-canopy.2"));

        assertThat(step).isInstanceOf(Step.RestartNodes.class);
        assertThat(((Step.RestartNodes) step).nodes()).containsExactly(AG1_0);
    }

    // --- heal -------------------------------------------------------------------------------------------------------

    @Test
    void aLeafAwayLongerThanThePolicyAllowsIsReplacedWithEmptyStorage() {
        ready(spec());
        runtime.crash(CLUSTER, AG1_1);

        for (int i = 0; i < 60; i++) {
            assertThat(reconcile(spec())).isInstanceOf(Step.Wait.class);
        }
        assertThat(runtime.journal()).isEmpty();
        Step replace = reconcile(spec());

        assertThat(replace).isEqualTo(new Step.ReplaceNodes(List.of(AG1_1), "ReplacingLeaves", "leaf-ag1-1 did not come back"
                + " within 60 s: starting afresh with empty storage; AG2 holds a copy of every partition and refills it"));
        assertThat(runtime.journal()).containsExactly("replace leaf-ag1-1");
        reconcileUntilDone(spec(), 5);
        assertThat(status.isTrue(Condition.DEGRADED)).isFalse();
    }

    @Test
    void leavesAwayInBothGroupsAreNeverReplaced() {
        ready(spec());
        runtime.crash(CLUSTER, AG1_1);
        runtime.crash(CLUSTER, AG2_0);
        for (int i = 0; i < 120; i++) {
            reconcile(spec());
        }
        assertThat(runtime.journal()).isEmpty();
        assertThat(steps.get(steps.size() - 1).message()).contains("leaf-ag1-1 (crashed, restarting), leaf-ag2-0 (crashed, restarting)");
    }

    @Test
    void aLeafThatLostItsStorageLeavesTheBaselineThenStartsEmptyThenRejoinsIt() {
        ready(spec());
        runtime.loseStorage(CLUSTER, AG2_0);

        Step out = reconcile(spec());
        assertThat(out).isEqualTo(new Step.SetBaseline(java.util.Set.of("leaf-ag1-0", "leaf-ag1-1", "leaf-ag2-1"), "StorageLost",
                "leaf-ag2-0 lost its storage: taking it out of the baseline before it starts empty, so that it is refilled"
                        + " rather than trusted"));
        assertThat(status.isTrue(Condition.DEGRADED)).isTrue();
        engine.partitionsNotOwning(5);
        reconcile(spec());
        Step waiting = reconcile(spec());
        assertThat(waiting.message()).contains("5 partition copies to finish moving before changing the baseline");
        engine.partitionsNotOwning(0);
        reconcileUntilDone(spec(), 5);

        assertThat(runtime.journal()).containsExactly("setBaseline [leaf-ag1-0, leaf-ag1-1, leaf-ag2-1]",
                "replace leaf-ag2-0", "setBaseline [leaf-ag1-0, leaf-ag1-1, leaf-ag2-0, leaf-ag2-1]");
        assertThat(status.phase()).isEqualTo(Phase.Ready);
    }

    // --- failures ---------------------------------------------------------------------------------------------------

    /** A step that fails is retried, said so with the count, and only Failed once it kept failing. */
    @Test
    void aFailedStepIsRetriedWithItsCountThenFailedAndCarriesOnOnceFixed() {
        ready(spec());
        engine.failBaselineChanges("baseline refused: node leaf-ag1-2 is not online");

        reconcile(spec(3, 1)); // starts the new leaves
        Step failed = reconcile(spec(3, 1));
        failed = reconcile(spec(3, 1));
        String setting = "setting the baseline to leaf-ag1-0, leaf-ag1-1, leaf-ag1-2, leaf-ag2-0, leaf-ag2-1, leaf-ag2-2;"
                + " partitions move to leaf-ag1-2, leaf-ag2-2";
        assertThat(failed).isEqualTo(new Step.Retrying("SettingBaselineRetrying", setting
                + " failed (attempt 2), retrying: baseline refused: node leaf-ag1-2 is not online", 2));
        assertThat(status.phase()).as("retried: not Failed").isNotEqualTo(Phase.Failed);
        assertThat(status.condition(Condition.PROGRESSING).orElseThrow().status()).isEqualTo(Condition.TRUE);
        assertThat(status.condition(Condition.PROGRESSING).orElseThrow().attempts()).as("the count, kept as data").isEqualTo(2);

        for (int attempt = 3; attempt < Reconciler.ATTEMPTS_BEFORE_FAILED; attempt++) {
            assertThat(reconcile(spec(3, 1))).isInstanceOf(Step.Retrying.class);
        }
        failed = reconcile(spec(3, 1));
        assertThat(failed).isEqualTo(new Step.Failed("SettingBaselineFailed", setting + " failed "
                + Reconciler.ATTEMPTS_BEFORE_FAILED + " times in a row: baseline refused: node leaf-ag1-2 is not online"));
        assertThat(status.phase()).isEqualTo(Phase.Failed);
        assertThat(reconcile(spec(3, 1))).as("stays Failed while it keeps failing").isInstanceOf(Step.Failed.class);
        Condition progressing = status.condition(Condition.PROGRESSING).orElseThrow();
        assertThat(progressing.status()).isEqualTo(Condition.FALSE);
        assertThat(progressing.reason()).isEqualTo("SettingBaselineFailed");

        engine.failBaselineChanges(null);
        reconcileUntilDone(spec(3, 1), 5);
        assertThat(status.phase()).isEqualTo(Phase.Ready);
        assertThat(engine.baseline(CLUSTER)).hasSize(6);
    }

    @Test
    void newLeavesOfAScaleOutAreNotCountedAsDown() {
        ready(spec());
        engine.holdBack(AG1_2);

        reconcile(spec(3, 1));
        reconcile(spec(3, 1));

        assertThat(status.phase()).isEqualTo(Phase.Scaling);
        assertThat(status.isTrue(Condition.DEGRADED)).isFalse();
        assertThat(status.leaves()).extracting(NodeCounts::ready, NodeCounts::total).containsExactly(5, 6);
    }
}

package dev.canopy.core;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.canopy.core.TestClusters.AG1_0;
import static dev.canopy.core.TestClusters.AGG_0;
import static dev.canopy.core.TestClusters.AGG_1;
import static dev.canopy.core.TestClusters.CLUSTER;
import static dev.canopy.core.TestClusters.LEAF_NAMES;
import static dev.canopy.core.TestClusters.spec;
import static org.assertj.core.api.Assertions.assertThat;

class ReconcilerTest {

    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");
    private static final DatabaseClusterSpec SPEC = spec();

    private FakeRuntime runtime;
    private FakeEngine engine;
    private AheadClock clock;
    private Reconciler reconciler;
    private long generation = 1;
    private DatabaseClusterStatus status;
    private final List<ReconcileResult> results = new ArrayList<>();

    @BeforeEach
    void setUp() {
        runtime = new FakeRuntime();
        engine = new FakeEngine(runtime);
        clock = AheadClock.fixedAt(START);
        reconciler = new Reconciler(runtime, engine, clock);
    }

    private ReconcileResult reconcile(DatabaseClusterSpec spec) {
        clock.advanceSeconds(1);
        ReconcileResult result = reconciler.reconcile(CLUSTER, generation, spec, status);
        status = result.status();
        results.add(result);
        return result;
    }

    /** Reconciles until Done, at most {@code max} passes; returns the passes it took. */
    private int reconcileUntilDone(DatabaseClusterSpec spec, int max) {
        for (int pass = 1; pass <= max; pass++) {
            if (reconcile(spec).step() instanceof Step.Done) {
                return pass;
            }
        }
        throw new AssertionError("not done after " + max + " passes; steps: " + results.stream().map(ReconcileResult::step).toList());
    }

    private void reachReady() {
        reconcileUntilDone(SPEC, 10);
        assertThat(status.phase()).isEqualTo(Phase.Ready);
        runtime.clearCalls();
        engine.clearCalls();
    }

    // --- from nothing to Ready --------------------------------------------------------------------------------------

    /** Seen on real pods: Ready a probe period before the SQL Service listed the aggregator, and clients were refused. */
    /** Seen with Ignite 2.17 and authentication: an aggregator hung in a partition exchange after a leaf rejoined. */
    @Test
    void anAggregatorInTheClusterThroughWhichSqlStaysSilentIsRestarted() {
        reachReady();
        engine.sqlWorks(false);
        ReconcileResult first = reconcile(SPEC);
        assertThat(first.step().reason()).isEqualTo("WaitingForSql");
        clock.advanceSeconds(60);
        assertThat(reconcile(SPEC).step().reason()).as("a minute: not yet").isEqualTo("WaitingForSql");
        clock.advanceSeconds(61);
        ReconcileResult restart = reconcile(SPEC);
        assertThat(restart.step()).isInstanceOf(Step.RestartNodes.class);
        assertThat(restart.step().reason()).isEqualTo("RestartingSilentAggregator");
        assertThat(((Step.RestartNodes) restart.step()).nodes()).containsExactly(NodeId.aggregator(0));

        engine.sqlWorks(true);
        reconcileUntilDone(SPEC, 10);
        engine.sqlWorks(false);
        clock.advanceSeconds(61);
        assertThat(reconcile(SPEC).step().reason()).as("counted again from the first silent pass").isEqualTo("WaitingForSql");
    }

    @Test
    void readyOnlyOnceClientsAreRoutedToAnAggregatorThatAnswers() {
        reconcileUntilDone(SPEC, 10);
        runtime.nodes.get(CLUSTER).get(NodeId.aggregator(0)).routed = false;

        ReconcileResult waiting = reconcile(SPEC);
        assertThat(waiting.step().reason()).isEqualTo("WaitingForSql");
        assertThat(waiting.status().phase()).isNotEqualTo(Phase.Ready);

        runtime.nodes.get(CLUSTER).get(NodeId.aggregator(0)).routed = true;
        assertThat(reconcile(SPEC).step()).isInstanceOf(Step.Done.class);
    }

    @Test
    void fromNothingReachesReadyStartingLeavesThenActivatingThenAggregators() {
        int passes = reconcileUntilDone(SPEC, 10);

        assertThat(passes).isEqualTo(5);
        assertThat(runtime.journal()).containsExactly(
                "start leaf-ag1-0",
                "start leaf-ag1-1", "start leaf-ag2-0", "start leaf-ag2-1",
                "activate",
                "start aggregator-0");
        assertThat(results).extracting(r -> r.step().reason())
                .containsExactly("StartingLeaves", "StartingLeaves", "Activating", "StartingAggregators", "Ready");
        assertThat(engine.baseline(CLUSTER)).isEqualTo(LEAF_NAMES);
        assertThat(engine.isActive(CLUSTER)).isTrue();
    }

    @Test
    void phasesGoFromProvisioningToReady() {
        reconcileUntilDone(SPEC, 10);

        assertThat(results).extracting(r -> r.status().phase())
                .containsExactly(Phase.Provisioning, Phase.Provisioning, Phase.Provisioning, Phase.Provisioning, Phase.Ready);
        assertThat(results).extracting(ReconcileResult::requeueAfter)
                .containsExactly(Reconciler.SOON, Reconciler.SOON, Reconciler.SOON, Reconciler.SOON, Reconciler.IDLE);
        assertThat(status.isTrue(Condition.READY)).isTrue();
        assertThat(status.isTrue(Condition.REDUNDANCY_MET)).isTrue();
        assertThat(status.isTrue(Condition.BALANCED)).isTrue();
        assertThat(status.isTrue(Condition.DEGRADED)).isFalse();
        assertThat(status.leaves()).extracting(NodeCounts::ready, NodeCounts::total).containsExactly(4, 4);
        assertThat(status.aggregators()).isEqualTo(new NodeCounts(1, 1));
        assertThat(status.observedGeneration()).isEqualTo(1L);
        assertThat(status.release()).isEqualTo("2.17.0");
        NodePlacement aggregator = runtime.placement(CLUSTER, AGG_0).orElseThrow();
        assertThat(status.endpoints().aggregators()).containsExactly(aggregator.sqlAddress());
        assertThat(status.endpoints().jdbcUrl()).isEqualTo("jdbc:ignite:thin://" + aggregator.sqlAddress());
        // the last transition of Ready is the pass that reached it
        assertThat(status.condition(Condition.READY).orElseThrow().lastTransitionTime()).isEqualTo(START.plusSeconds(5).toString());
    }

    @Test
    void nodesAreStartedWithTheLaunchTheEngineRendered() {
        reconcileUntilDone(SPEC, 10);

        for (NodeId node : DesiredNodes.all(SPEC)) {
            NodeLaunch launch = runtime.launch(CLUSTER, node).orElseThrow();
            assertThat(launch.release()).isEqualTo("2.17.0");
            assertThat(launch.fingerprint()).isNotBlank();
            assertThat(launch.files().get("node.properties"))
                    .contains("name=" + node.name())
                    .contains("workDirectory=" + runtime.placement(CLUSTER, node).orElseThrow().workDirectory());
        }
        assertThat(runtime.launch(CLUSTER, AG1_0).orElseThrow().fingerprint())
                .isNotEqualTo(runtime.launch(CLUSTER, AGG_0).orElseThrow().fingerprint());
    }

    @Test
    void placementsAreStableAcrossPasses() {
        reconcile(SPEC);
        NodePlacement before = runtime.placement(CLUSTER, AG1_0).orElseThrow();
        reconcileUntilDone(SPEC, 10);

        assertThat(runtime.placement(CLUSTER, AG1_0)).contains(before);
    }

    // --- idempotence ------------------------------------------------------------------------------------------------

    @Test
    void reconcileAfterReadyChangesNothingAndGivesAnEqualStatus() {
        reachReady();
        DatabaseClusterStatus readyStatus = status;

        ReconcileResult again = reconcile(SPEC);
        ReconcileResult andAgain = reconcile(SPEC);

        assertThat(runtime.calls()).isEmpty();
        assertThat(engine.calls()).isEmpty();
        assertThat(runtime.journal()).isEmpty();
        assertThat(again.step()).isInstanceOf(Step.Done.class);
        assertThat(again.status()).isEqualTo(readyStatus);
        assertThat(andAgain.status()).isEqualTo(readyStatus);
        assertThat(again.requeueAfter()).isEqualTo(Reconciler.IDLE);
    }

    // --- failures ---------------------------------------------------------------------------------------------------

    @Test
    void crashedLeafAfterReadyGivesDegradedAndIsNotStartedAgain() {
        reachReady();
        runtime.crash(CLUSTER, AG1_0);

        ReconcileResult result = reconcile(SPEC);

        assertThat(result.step()).isEqualTo(new Step.Wait("LeavesJoining", "waiting for leaf-ag1-0 (crashed, restarting) to join"));
        assertThat(runtime.calls()).isEmpty();
        assertThat(engine.calls()).isEmpty();
        assertThat(status.phase()).isEqualTo(Phase.Degraded);
        Condition degraded = status.condition(Condition.DEGRADED).orElseThrow();
        assertThat(degraded.status()).isEqualTo(Condition.TRUE);
        assertThat(degraded.message()).contains("leaf-ag1-0");
        assertThat(status.isTrue(Condition.REDUNDANCY_MET)).isFalse();
        assertThat(status.leaves()).extracting(NodeCounts::ready, NodeCounts::total).containsExactly(3, 4);
        assertThat(result.requeueAfter()).isEqualTo(Reconciler.SOON);

        // still restarting: still degraded, still no start
        reconcile(SPEC);
        assertThat(runtime.calls()).isEmpty();
        assertThat(status.phase()).isEqualTo(Phase.Degraded);
        assertThat(status.condition(Condition.DEGRADED).orElseThrow().lastTransitionTime()).isEqualTo(degraded.lastTransitionTime());
    }

    @Test
    void readyAgainOnceTheRuntimeBringsTheLeafBack() {
        reachReady();
        runtime.crash(CLUSTER, AG1_0);
        reconcile(SPEC);
        runtime.recover(CLUSTER, AG1_0);

        ReconcileResult result = reconcile(SPEC);

        assertThat(result.step()).isInstanceOf(Step.Done.class);
        assertThat(status.phase()).isEqualTo(Phase.Ready);
        assertThat(status.isTrue(Condition.DEGRADED)).isFalse();
        assertThat(runtime.calls()).isEmpty();
        assertThat(engine.calls()).isEmpty();
    }

    @Test
    void aggregatorThatNeverJoinsKeepsTheClusterProvisioning() {
        engine.holdBack(AGG_0);
        for (int i = 0; i < 6; i++) {
            reconcile(SPEC);
        }

        assertThat(results.get(results.size() - 1).step().reason()).isEqualTo("AggregatorsJoining");
        assertThat(status.phase()).isEqualTo(Phase.Provisioning);
        assertThat(runtime.calls()).containsOnlyOnce("start aggregator-0");

        engine.release(AGG_0);
        assertThat(reconcile(SPEC).step()).isInstanceOf(Step.Done.class);
    }

    @Test
    void sqlThatDoesNotAnswerKeepsWaiting() {
        engine.sqlWorks(false);
        for (int i = 0; i < 5; i++) {
            reconcile(SPEC);
        }

        assertThat(results.get(results.size() - 1).step().reason()).isEqualTo("WaitingForSql");
        assertThat(status.phase()).isEqualTo(Phase.Provisioning);
    }

    // --- suspend and resume -----------------------------------------------------------------------------------------

    @Test
    void suspendStopsAggregatorsBeforeLeavesThenResumeBringsItBack() {
        reachReady();
        generation = 2;
        DatabaseClusterSpec suspended = SPEC.withSuspended(true);

        int passes = reconcileUntilDone(suspended, 5);

        assertThat(passes).isEqualTo(2);
        List<String> stops = runtime.calls();
        assertThat(stops).hasSize(5).allMatch(c -> c.startsWith("stop "));
        assertThat(stops.get(0)).isEqualTo("stop aggregator-0");
        assertThat(stops.subList(1, 5)).containsExactlyInAnyOrder(
                "stop leaf-ag1-0", "stop leaf-ag1-1", "stop leaf-ag2-0", "stop leaf-ag2-1");
        assertThat(engine.calls()).isEmpty();
        assertThat(status.phase()).isEqualTo(Phase.Suspended);
        assertThat(status.observedGeneration()).isEqualTo(2L);
        assertThat(status.isTrue(Condition.READY)).isFalse();
        assertThat(status.endpoints()).isNull();
        for (NodeId node : DesiredNodes.all(SPEC)) {
            assertThat(runtime.state(CLUSTER, node)).as("%s kept, stopped", node).contains(NodeState.STOPPED);
        }

        // suspended and stopped: nothing more to do
        runtime.clearCalls();
        reconcile(suspended);
        assertThat(runtime.calls()).isEmpty();
        assertThat(status.phase()).isEqualTo(Phase.Suspended);

        // resume
        generation = 3;
        passes = reconcileUntilDone(SPEC, 10);

        assertThat(runtime.journal()).containsExactly(
                "start leaf-ag1-0", "start leaf-ag1-1", "start leaf-ag2-0", "start leaf-ag2-1",
                "start aggregator-0");
        assertThat(status.phase()).isEqualTo(Phase.Ready);
        assertThat(status.observedGeneration()).isEqualTo(3L);
        assertThat(engine.baseline(CLUSTER)).isEqualTo(LEAF_NAMES);
        // the phases of the resume: Provisioning until Ready, and nodes coming back are not "down"
        assertThat(results.subList(results.size() - passes, results.size() - 1))
                .allMatch(r -> r.status().phase() == Phase.Provisioning)
                .noneMatch(r -> r.status().isTrue(Condition.DEGRADED));
    }

    // --- scaling aggregators ----------------------------------------------------------------------------------------

    @Test
    void loweringTheAggregatorCountDeletesTheExtraOne() {
        DatabaseClusterSpec two = spec(2, 2);
        reconcileUntilDone(two, 10);
        runtime.clearCalls();
        engine.clearCalls();

        reconcileUntilDone(SPEC, 5);

        assertThat(runtime.calls()).containsExactly("delete aggregator-1");
        assertThat(runtime.state(CLUSTER, AGG_1)).isEmpty();
        assertThat(runtime.placement(CLUSTER, AGG_1)).isEmpty();
        assertThat(status.phase()).isEqualTo(Phase.Ready);
        assertThat(status.aggregators()).isEqualTo(new NodeCounts(1, 1));
    }

    @Test
    void raisingTheLeafCountStartsTheNewLeavesThenSetsTheBaseline() {
        reachReady();
        DatabaseClusterSpec bigger = spec(3, 1);

        reconcileUntilDone(bigger, 10);

        assertThat(runtime.journal()).containsExactly(
                "start leaf-ag1-2", "start leaf-ag2-2",
                "setBaseline [leaf-ag1-0, leaf-ag1-1, leaf-ag1-2, leaf-ag2-0, leaf-ag2-1, leaf-ag2-2]");
        assertThat(status.phase()).isEqualTo(Phase.Ready);
        assertThat(status.leaves()).extracting(NodeCounts::ready, NodeCounts::total).containsExactly(6, 6);
    }

    /** The count of a retried step is the Progressing condition's data, not read back out of its message. */
    @Test
    void aRetriedStepCountsOnFromTheConditionsAttemptsNotItsMessage() {
        Step step = new Step.SetBaseline(java.util.Set.of("leaf-ag1-0"), "SettingBaseline", "setting the baseline");
        Condition retried = new Condition(Condition.PROGRESSING, Condition.TRUE, "SettingBaselineRetrying",
                "a message that says (attempt 9) for whatever reason", "2026-12-07T01:00:00Z", 4);
        DatabaseClusterStatus previous = new DatabaseClusterStatus(Phase.Scaling, List.of(retried), 1L, null, null,
                "2.17.0", null, null);

        assertThat(Reconciler.failed(step, previous, "refused")).isEqualTo(new Step.Retrying("SettingBaselineRetrying",
                "setting the baseline failed (attempt 5), retrying: refused", 5));
        assertThat(Reconciler.failed(step, new DatabaseClusterStatus(Phase.Scaling, List.of(retried.withAttempts(null)), 1L,
                null, null, "2.17.0", null, null), "refused")).as("no count kept: the first attempt")
                .extracting(s -> ((Step.Retrying) s).attempt()).isEqualTo(1);
        assertThat(Reconciler.failed(step, new DatabaseClusterStatus(Phase.Scaling,
                List.of(retried.withAttempts(Reconciler.ATTEMPTS_BEFORE_FAILED - 1)), 1L, null, null, "2.17.0", null, null),
                "refused")).isInstanceOf(Step.Failed.class);
    }
}

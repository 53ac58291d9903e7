package dev.canopy.core;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.canopy.core.TestClusters.AG1_0;
import static dev.canopy.core.TestClusters.AG1_1;
import static dev.canopy.core.TestClusters.AG1_2;
import static dev.canopy.core.TestClusters.AG2_0;
import static dev.canopy.core.TestClusters.AG2_1;
import static dev.canopy.core.TestClusters.AG2_2;
import static dev.canopy.core.TestClusters.AGG_0;
import static dev.canopy.core.TestClusters.AGG_1;
import static dev.canopy.core.TestClusters.AGG_2;
import static dev.canopy.core.TestClusters.LEAVES;
import static dev.canopy.core.TestClusters.LEAF_NAMES;
import static dev.canopy.core.TestClusters.all;
import static dev.canopy.core.TestClusters.concat;
import static dev.canopy.core.TestClusters.healthy;
import static dev.canopy.core.TestClusters.merge;
import static dev.canopy.core.TestClusters.observed;
import static dev.canopy.core.TestClusters.running;
import static dev.canopy.core.TestClusters.spec;
import static dev.canopy.core.TestClusters.suspended;
import static dev.canopy.core.TestClusters.view;
import static org.assertj.core.api.Assertions.assertThat;

class PlannerTest {

    private static final DatabaseClusterSpec SPEC = spec();

    private static Step next(Map<NodeId, NodeState> states, EngineView view, boolean sql) {
        return Planner.next(observed(SPEC, states, view, sql));
    }

    // --- provisioning, in order -------------------------------------------------------------------------------------

    @Test
    void emptyClusterStartsOneLeafThenEveryOtherLeafOfBothAvailabilityGroups() {
        Step first = next(Map.of(), EngineView.unreachable("no leaf is running"), false);
        assertThat(first).isEqualTo(new Step.StartNodes(List.of(AG1_0), "StartingLeaves", "starting leaf-ag1-0 first;"
                + " leaf-ag1-1, leaf-ag2-0, leaf-ag2-1 join the cluster it forms once it answers"));

        // started, not answering yet: the others still wait, or they could join it before it has made the engine's users
        Step second = next(running(List.of(AG1_0)), EngineView.unreachable("Connection refused"), false);
        assertThat(second).isEqualTo(new Step.Wait("LeavesJoining", "waiting for leaf-ag1-0 to form the cluster"
                + " (Connection refused); leaf-ag1-1, leaf-ag2-0, leaf-ag2-1 join it then"));

        Step third = next(running(List.of(AG1_0)), view(false, List.of(AG1_0), Set.of()), false);
        assertThat(third).isEqualTo(new Step.StartNodes(List.of(AG1_1, AG2_0, AG2_1), "StartingLeaves",
                "starting leaf-ag1-1, leaf-ag2-0, leaf-ag2-1"));
    }

    @Test
    void onlyTheMissingLeavesAreStarted() {
        Step step = next(running(List.of(AG1_0, AG2_0)), view(false, List.of(AG1_0, AG2_0), Set.of()), false);

        assertThat(step).isEqualTo(new Step.StartNodes(List.of(AG1_1, AG2_1), "StartingLeaves", "starting leaf-ag1-1, leaf-ag2-1"));
    }

    @Test
    void stoppedLeavesAreStartedAgain() {
        Step step = next(merge(running(List.of(AG1_0, AG1_1, AG2_0)), all(List.of(AG2_1), NodeState.STOPPED)),
                view(true, List.of(AG1_0, AG1_1, AG2_0), LEAF_NAMES), false);

        assertThat(step).isInstanceOf(Step.StartNodes.class);
        assertThat(((Step.StartNodes) step).nodes()).containsExactly(AG2_1);
    }

    @Test
    void leavesRunningButEngineUnreachableWait() {
        Step step = next(running(LEAVES), EngineView.unreachable("connection refused"), false);

        assertThat(step).isEqualTo(new Step.Wait("LeavesJoining",
                "waiting for leaf-ag1-0, leaf-ag1-1, leaf-ag2-0, leaf-ag2-1 to join (connection refused)"));
    }

    @Test
    void leavesRunningButNotAllJoinedWaitNamingTheOnesAway() {
        Step step = next(running(LEAVES), view(false, List.of(AG1_0, AG2_0), Set.of()), false);

        assertThat(step).isEqualTo(new Step.Wait("LeavesJoining", "waiting for leaf-ag1-1, leaf-ag2-1 to join"));
    }

    @Test
    void joinedButInactiveActivates() {
        Step step = next(running(LEAVES), view(false, LEAVES, Set.of()), false);

        assertThat(step).isEqualTo(new Step.Activate("Activating", "activating the cluster on 4 leaves"));
    }

    @Test
    void activeWithASubsetBaselineSetsTheBaselineToEveryLeaf() {
        Step step = next(running(LEAVES), view(true, LEAVES, Set.of("leaf-ag1-0", "leaf-ag2-0")), false);

        assertThat(step).isInstanceOf(Step.SetBaseline.class);
        Step.SetBaseline baseline = (Step.SetBaseline) step;
        assertThat(baseline.leaves()).containsExactlyInAnyOrderElementsOf(LEAF_NAMES);
        assertThat(baseline.reason()).isEqualTo("SettingBaseline");
        assertThat(baseline.message()).isEqualTo("setting the baseline to leaf-ag1-0, leaf-ag1-1, leaf-ag2-0, leaf-ag2-1;"
                + " partitions move to leaf-ag1-1, leaf-ag2-1");
    }

    @Test
    void activeWithAnEmptyBaselineSetsTheBaseline() {
        Step step = next(running(LEAVES), view(true, LEAVES, Set.of()), false);

        assertThat(step).isInstanceOf(Step.SetBaseline.class);
        assertThat(((Step.SetBaseline) step).leaves()).isEqualTo(LEAF_NAMES);
    }

    @Test
    void aggregatorsAreNotStartedBeforeTheBaselineIsRight() {
        Step step = next(running(LEAVES), view(true, LEAVES, Set.of("leaf-ag1-0")), false);

        assertThat(step).isInstanceOf(Step.SetBaseline.class);
    }

    @Test
    void aggregatorsAreStartedOnceTheBaselineIsRight() {
        Step step = next(running(LEAVES), view(true, LEAVES, LEAF_NAMES), false);

        assertThat(step).isEqualTo(new Step.StartNodes(List.of(AGG_0), "StartingAggregators", "starting aggregator-0"));
    }

    @Test
    void onlyMissingAggregatorsAreStarted() {
        DatabaseClusterSpec spec = spec(2, 3);
        Step step = Planner.next(observed(spec, running(concat(LEAVES, List.of(AGG_1))),
                view(true, concat(LEAVES, List.of(AGG_1)), LEAF_NAMES), false));

        assertThat(step).isEqualTo(new Step.StartNodes(List.of(AGG_0, AGG_2), "StartingAggregators",
                "starting aggregator-0, aggregator-2"));
    }

    @Test
    void aggregatorRunningButNotJoinedWaits() {
        Step step = next(running(concat(LEAVES, List.of(AGG_0))), view(true, LEAVES, LEAF_NAMES), false);

        assertThat(step).isEqualTo(new Step.Wait("AggregatorsJoining", "waiting for aggregator-0 to join"));
    }

    @Test
    void sqlNotAnsweringWaits() {
        List<NodeId> everything = concat(LEAVES, List.of(AGG_0));
        Step step = next(running(everything), view(true, everything, LEAF_NAMES), false);

        assertThat(step).isEqualTo(new Step.Wait("WaitingForSql", "waiting for SQL to answer through aggregator-0"));
    }

    @Test
    void anAggregatorSilentForLongerThanThePolicyAllowsIsRestartedAlone() {
        List<NodeId> everything = concat(LEAVES, List.of(AGG_0));
        Observed o = observed(SPEC, running(everything), view(true, everything, LEAF_NAMES), false);
        java.time.Instant now = java.time.Instant.parse("2026-12-07T10:00:00Z");
        java.util.function.Function<java.time.Duration, Observed> silentFor = d -> new Observed(o.topology(), o.nodes(), o.engine(),
                o.serving(), o.desiredFingerprints(), null, now, Map.of(AGG_0, now.minus(d)));

        assertThat(Planner.next(silentFor.apply(java.time.Duration.ofSeconds(119)), PlannerPolicy.DEFAULTS))
                .isEqualTo(new Step.Wait("WaitingForSql", "waiting for SQL to answer through aggregator-0"));
        assertThat(Planner.next(silentFor.apply(java.time.Duration.ofSeconds(120)), PlannerPolicy.DEFAULTS))
                .isEqualTo(new Step.RestartNodes(List.of(AGG_0), "RestartingSilentAggregator",
                        "restarting aggregator-0: in the cluster, but SQL has not answered through it for 120 s"));
        assertThat(Planner.next(silentFor.apply(java.time.Duration.ofSeconds(30)),
                PlannerPolicy.DEFAULTS.withRestartSilentAggregatorAfter(java.time.Duration.ofSeconds(30))).reason())
                .isEqualTo("RestartingSilentAggregator");
    }

    @Test
    void everythingAsDeclaredIsDone() {
        Step step = Planner.next(healthy(SPEC));

        assertThat(step).isEqualTo(new Step.Done("Ready", "SQL answers through the aggregators; 4 leaves in the baseline"));
    }

    @Test
    void notReadyWhilePartitionsAreMoving() {
        List<NodeId> all = DesiredNodes.all(SPEC);
        Observed observed = observed(SPEC, running(all), view(true, all, TestClusters.names(DesiredNodes.leaves(SPEC)), 12), true);

        assertThat(Planner.next(observed)).isEqualTo(new Step.Wait("Rebalancing", "12 partition copies are still moving to their owners"));
    }

    @Test
    void aWaitOnMovingCopiesSaysWhereTheyAreAsTheEngineReported() {
        List<NodeId> all = DesiredNodes.all(SPEC);
        EngineView moving = view(true, all, TestClusters.names(DesiredNodes.leaves(SPEC)), 12);
        EngineView described = new EngineView(true, true, moving.serverNodes(), moving.clientNodes(), moving.baseline(), 12,
                "12 MOVING on leaf-ag2-0");

        assertThat(Planner.next(observed(SPEC, running(all), described, true)).message())
                .isEqualTo("12 partition copies are still moving to their owners (12 MOVING on leaf-ag2-0)");
    }

    @Test
    void sameInputGivesTheSameStep() {
        Observed observed = observed(SPEC, running(LEAVES), view(true, LEAVES, Set.of("leaf-ag1-0")), false);
        assertThat(Planner.next(observed)).isEqualTo(Planner.next(observed));
    }

    // --- scaling ----------------------------------------------------------------------------------------------------

    @Test
    void extraAggregatorAfterTheCountWasLoweredIsDeleted() {
        List<NodeId> everything = concat(LEAVES, List.of(AGG_0, AGG_1));
        Step step = next(running(everything), view(true, everything, LEAF_NAMES), true);

        assertThat(step).isEqualTo(new Step.DeleteNodes(List.of(AGG_1), "RemovingAggregators", "removing aggregator-1"));
    }

    @Test
    void extraAggregatorsAreDeletedHighestFirst() {
        List<NodeId> everything = concat(LEAVES, List.of(AGG_0, AGG_1, AGG_2));
        Step step = next(running(everything), view(true, everything, LEAF_NAMES), true);

        assertThat(step).isInstanceOf(Step.DeleteNodes.class);
        assertThat(((Step.DeleteNodes) step).nodes()).containsExactly(AGG_2, AGG_1);
    }

    @Test
    void stoppedExtraAggregatorIsDeletedToo() {
        List<NodeId> everything = concat(LEAVES, List.of(AGG_0));
        Step step = next(merge(running(everything), all(List.of(AGG_1), NodeState.STOPPED)),
                view(true, everything, LEAF_NAMES), true);

        assertThat(step).isInstanceOf(Step.DeleteNodes.class);
        assertThat(((Step.DeleteNodes) step).nodes()).containsExactly(AGG_1);
    }

    @Test
    void newLeavesOfAScaleOutAreStartedThenBaselined() {
        DatabaseClusterSpec bigger = spec(3, 1);
        List<NodeId> old = concat(LEAVES, List.of(AGG_0));
        Step first = Planner.next(observed(bigger, running(old), view(true, old, LEAF_NAMES), true));
        assertThat(first).isEqualTo(new Step.StartNodes(List.of(AG1_2, AG2_2), "StartingLeaves", "starting leaf-ag1-2, leaf-ag2-2"));

        List<NodeId> all = concat(old, List.of(AG1_2, AG2_2));
        Step second = Planner.next(observed(bigger, running(all), view(true, all, LEAF_NAMES), true));
        assertThat(second).isInstanceOf(Step.SetBaseline.class);
        assertThat(((Step.SetBaseline) second).leaves())
                .containsExactlyInAnyOrder("leaf-ag1-0", "leaf-ag1-1", "leaf-ag1-2", "leaf-ag2-0", "leaf-ag2-1", "leaf-ag2-2");
    }

    @Test
    void aColdStartInTheMiddleOfAScaleOutStartsTheBaselineFirstAndTheNewLeavesOnceTheClusterFormed() {
        // stopped (Ctrl-C, a suspend, a reboot) after the new leaves of a 2 -> 3 scale-out had started, before they
        // were in the baseline: started together, an empty one could form a cluster the others cannot join
        DatabaseClusterSpec bigger = spec(3, 1);
        DatabaseClusterStatus previous = new DatabaseClusterStatus(Phase.Scaling, List.of(), 2L, new NodeCounts(1, 1),
                new NodeCounts(6, 6, List.copyOf(LEAF_NAMES)), "2.17.0", null, null);
        List<NodeId> all = concat(LEAVES, List.of(AG1_2, AG2_2, AGG_0));
        Map<NodeId, NodeState> allStopped = all(all, NodeState.STOPPED);

        Step first = Planner.next(withPrevious(observed(bigger, allStopped, EngineView.unreachable("no leaf is running"), false), previous));
        assertThat(first).isEqualTo(new Step.StartNodes(LEAVES, "StartingLeaves", "starting leaf-ag1-0, leaf-ag1-1, leaf-ag2-0,"
                + " leaf-ag2-1 (the baseline) first; leaf-ag1-2, leaf-ag2-2, which hold no data yet, start once the cluster has formed"));

        Map<NodeId, NodeState> baselineUp = merge(running(LEAVES), all(List.of(AG1_2, AG2_2, AGG_0), NodeState.STOPPED));
        Step second = Planner.next(withPrevious(observed(bigger, baselineUp, EngineView.unreachable("starting"), false), previous));
        assertThat(second).isInstanceOf(Step.Wait.class);
        assertThat(second.message()).isEqualTo("waiting for the baseline (leaf-ag1-0, leaf-ag1-1, leaf-ag2-0, leaf-ag2-1) to form the"
                + " cluster; leaf-ag1-2, leaf-ag2-2, which hold no data yet, start once the cluster has formed");

        Step third = Planner.next(withPrevious(observed(bigger, baselineUp, view(false, LEAVES, LEAF_NAMES), false), previous));
        assertThat(third).isEqualTo(new Step.StartNodes(List.of(AG1_2, AG2_2), "StartingLeaves", "starting leaf-ag1-2, leaf-ag2-2"));
    }

    @Test
    void withNoBaselineSeenButLeavesStoredEveryLeafStartsAtOnce() {
        DatabaseClusterStatus provisioning = new DatabaseClusterStatus(Phase.Provisioning, List.of(), 1L, new NodeCounts(0, 1),
                new NodeCounts(0, 4), null, null, null);
        Step step = Planner.next(withPrevious(observed(SPEC, all(LEAVES, NodeState.STOPPED), EngineView.unreachable("no leaf is running"),
                false), provisioning));
        assertThat(step).isEqualTo(new Step.StartNodes(LEAVES, "StartingLeaves", "starting leaf-ag1-0, leaf-ag1-1, leaf-ag2-0, leaf-ag2-1"));
    }

    private static Observed withPrevious(Observed o, DatabaseClusterStatus previous) {
        return new Observed(o.topology(), o.nodes(), o.engine(), o.serving(), o.desiredFingerprints(), previous, o.now());
    }

    // --- suspend and failures ---------------------------------------------------------------------------------------

    @Test
    void suspendedSpecStopsAggregatorsBeforeLeaves() {
        List<NodeId> everything = concat(LEAVES, List.of(AGG_0, AGG_1));
        Step step = Planner.next(observed(suspended(spec(2, 2)), running(everything), view(true, everything, LEAF_NAMES), true));

        assertThat(step).isInstanceOf(Step.StopNodes.class);
        Step.StopNodes stop = (Step.StopNodes) step;
        assertThat(stop.reason()).isEqualTo("Suspending");
        assertThat(stop.nodes()).hasSize(6).containsExactlyInAnyOrderElementsOf(everything);
        assertThat(stop.nodes().subList(0, 2)).containsExactlyInAnyOrder(AGG_0, AGG_1);
        assertThat(stop.nodes().subList(2, 6)).allMatch(NodeId::isLeaf);
        assertThat(stop.message()).endsWith("; storage is kept");
    }

    @Test
    void suspendedSpecStopsOnlyTheNodesStillUp() {
        Step step = Planner.next(observed(suspended(SPEC),
                merge(all(List.of(AGG_0, AG1_0), NodeState.STOPPED), running(List.of(AG1_1)), all(List.of(AG2_0), NodeState.RESTARTING)),
                view(true, List.of(AG1_1), LEAF_NAMES), false));

        assertThat(step).isInstanceOf(Step.StopNodes.class);
        assertThat(((Step.StopNodes) step).nodes()).containsExactlyInAnyOrder(AG1_1, AG2_0);
    }

    @Test
    void suspendedSpecIsDoneOnceEveryNodeIsStopped() {
        Step step = Planner.next(observed(suspended(SPEC), all(concat(LEAVES, List.of(AGG_0)), NodeState.STOPPED),
                EngineView.unreachable("no leaf is running"), false));

        assertThat(step).isEqualTo(new Step.Done("Suspended", "every node is stopped; storage is kept"));
    }

    @Test
    void suspendedSpecWithNoNodesIsDone() {
        Step step = Planner.next(observed(suspended(SPEC), Map.of(), EngineView.unreachable("no leaf is running"), false));

        assertThat(step).isInstanceOf(Step.Done.class);
        assertThat(step.reason()).isEqualTo("Suspended");
    }

    @Test
    void resumedSpecStartsTheStoppedLeavesFirst() {
        Step step = next(all(concat(LEAVES, List.of(AGG_0)), NodeState.STOPPED), EngineView.unreachable("no leaf is running"), false);

        assertThat(step).isInstanceOf(Step.StartNodes.class);
        assertThat(((Step.StartNodes) step).nodes()).containsExactly(AG1_0, AG1_1, AG2_0, AG2_1);
    }

    @Test
    void restartingLeafIsNotStartedAgainButWaitedFor() {
        List<NodeId> everything = concat(LEAVES, List.of(AGG_0));
        List<NodeId> joined = concat(List.of(AG1_1, AG2_0, AG2_1), List.of(AGG_0));
        Step step = next(merge(running(everything), all(List.of(AG1_0), NodeState.RESTARTING)),
                view(true, joined, LEAF_NAMES), true);

        assertThat(step).isEqualTo(new Step.Wait("LeavesJoining", "waiting for leaf-ag1-0 (crashed, restarting) to join"));
    }

    @Test
    void restartingAggregatorIsNotStartedAgainButWaitedFor() {
        List<NodeId> everything = concat(LEAVES, List.of(AGG_0));
        Step step = next(merge(running(everything), all(List.of(AGG_0), NodeState.RESTARTING)),
                view(true, LEAVES, LEAF_NAMES), false);

        assertThat(step).isEqualTo(new Step.Wait("AggregatorsJoining", "waiting for aggregator-0 (crashed, restarting) to join"));
    }

    /** What keeps a node from running is in the step's message: a user sees a pod the scheduler cannot place. */
    @Test
    void aLeafThatCannotRunYetIsWaitedForSayingWhy() {
        Map<NodeId, NodeObservation> nodes = new java.util.TreeMap<>();
        LEAVES.forEach(n -> nodes.put(n, new NodeObservation(n, NodeState.RUNNING, "2.17.0", null, 0)));
        nodes.put(AG1_0, new NodeObservation(AG1_0, NodeState.PENDING, "2.17.0", null, 0,
                "not scheduled: 0/1 nodes are available: 1 Insufficient cpu"));
        Observed observed = new Observed(TestClusters.topology(spec(), nodes.keySet()), nodes,
                view(true, List.of(AG1_1, AG2_0, AG2_1), LEAF_NAMES), false);

        assertThat(Planner.next(observed, PlannerPolicy.DEFAULTS)).isEqualTo(new Step.Wait("LeavesJoining",
                "waiting for leaf-ag1-0 (not scheduled: 0/1 nodes are available: 1 Insufficient cpu) to join"));
    }
}

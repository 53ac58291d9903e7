package dev.canopy.core;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.canopy.core.TestClusters.AG1_0;
import static dev.canopy.core.TestClusters.AG1_1;
import static dev.canopy.core.TestClusters.AG2_0;
import static dev.canopy.core.TestClusters.AG2_1;
import static dev.canopy.core.TestClusters.AGG_0;
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

class StatusBuilderTest {

    private static final DatabaseClusterSpec SPEC = spec();
    private static final Instant T1 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2025-03-01T10:05:00Z");
    private static final Instant T3 = Instant.parse("2025-03-01T10:10:00Z");
    private static final List<NodeId> EVERYTHING = concat(LEAVES, List.of(AGG_0));

    private static final Step START_LEAVES = new Step.StartNodes(LEAVES, "StartingLeaves", "starting the leaves");
    private static final Step DONE = new Step.Done("Ready", "all good");
    private static final Step LEAVES_JOINING = new Step.Wait("LeavesJoining", "waiting for leaf-ag1-0 to join");

    private static Condition condition(DatabaseClusterStatus status, String type) {
        return status.condition(type).orElseThrow(() -> new AssertionError("no condition " + type + " in " + status));
    }

    private static DatabaseClusterStatus build(DatabaseClusterStatus previous, Observed observed, Step step, Instant now) {
        return StatusBuilder.build(previous, 7, observed, step, now);
    }

    private static DatabaseClusterStatus ready() {
        return build(null, healthy(SPEC), DONE, T1);
    }

    /** After Ready, leaf-ag1-0 died and is being brought back. */
    private static Observed leafDown() {
        return observed(SPEC, merge(running(EVERYTHING), all(List.of(AG1_0), NodeState.RESTARTING)),
                view(true, List.of(AG1_1, AG2_0, AG2_1, AGG_0), LEAF_NAMES), true);
    }

    // --- phase ------------------------------------------------------------------------------------------------------

    @Test
    void provisioningBeforeTheFirstReady() {
        DatabaseClusterStatus status = build(null, observed(SPEC, Map.of(), EngineView.unreachable("no leaf is running"), false),
                START_LEAVES, T1);

        assertThat(status.phase()).isEqualTo(Phase.Provisioning);
        assertThat(condition(status, Condition.READY)).isEqualTo(
                new Condition(Condition.READY, Condition.FALSE, "StartingLeaves", "starting the leaves", T1.toString()));
        assertThat(condition(status, Condition.PROGRESSING)).isEqualTo(
                new Condition(Condition.PROGRESSING, Condition.TRUE, "StartingLeaves", "starting the leaves", T1.toString()));
        // no node runs yet: not degraded, but not up either
        assertThat(condition(status, Condition.DEGRADED)).isEqualTo(new Condition(Condition.DEGRADED, Condition.FALSE,
                "NodesStarting", "leaf-ag1-0, leaf-ag1-1, leaf-ag2-0, leaf-ag2-1, aggregator-0 not up yet", T1.toString()));
        assertThat(condition(status, Condition.REDUNDANCY_MET)).isEqualTo(
                new Condition(Condition.REDUNDANCY_MET, Condition.UNKNOWN, "NotActive", "the cluster is not active", T1.toString()));
        assertThat(condition(status, Condition.BALANCED)).isEqualTo(
                new Condition(Condition.BALANCED, Condition.UNKNOWN, "Unknown", "partition states are not known", T1.toString()));
        assertThat(status.aggregators()).isEqualTo(new NodeCounts(0, 1));
        assertThat(status.leaves()).extracting(NodeCounts::ready, NodeCounts::total).containsExactly(0, 4);
        assertThat(status.release()).isNull();
    }

    @Test
    void stillProvisioningWhileWaitingBeforeTheFirstReady() {
        DatabaseClusterStatus first = build(null, observed(SPEC, Map.of(), EngineView.unreachable("none"), false), START_LEAVES, T1);
        DatabaseClusterStatus second = build(first, observed(SPEC, running(LEAVES), view(false, List.of(AG1_0), Set.of()), false),
                LEAVES_JOINING, T2);

        assertThat(second.phase()).isEqualTo(Phase.Provisioning);
        assertThat(second.leaves()).extracting(NodeCounts::ready, NodeCounts::total).containsExactly(1, 4);
        // a node not yet joined while provisioning is not "down"
        assertThat(condition(second, Condition.DEGRADED).status()).isEqualTo(Condition.FALSE);
    }

    @Test
    void theBaselineIsRecordedWhileTheEngineAnswersAndKeptWhileItDoesNot() {
        DatabaseClusterStatus ready = ready();
        assertThat(ready.leaves().baseline()).containsExactly("leaf-ag1-0", "leaf-ag1-1", "leaf-ag2-0", "leaf-ag2-1");

        DatabaseClusterStatus stopped = build(ready, observed(SPEC, Map.of(), EngineView.unreachable("no leaf is running"), false),
                START_LEAVES, T2);
        assertThat(stopped.leaves().baseline()).as("the last baseline seen, for the next cold start")
                .containsExactly("leaf-ag1-0", "leaf-ag1-1", "leaf-ag2-0", "leaf-ag2-1");
    }

    @Test
    void readyWhenDone() {
        DatabaseClusterStatus status = ready();

        assertThat(status.phase()).isEqualTo(Phase.Ready);
        assertThat(status.isTrue(Condition.READY)).isTrue();
        assertThat(condition(status, Condition.READY)).isEqualTo(
                new Condition(Condition.READY, Condition.TRUE, "Ready", "all good", T1.toString()));
        assertThat(condition(status, Condition.PROGRESSING)).isEqualTo(
                new Condition(Condition.PROGRESSING, Condition.FALSE, "Ready", "nothing to do", T1.toString()));
        assertThat(condition(status, Condition.DEGRADED)).isEqualTo(
                new Condition(Condition.DEGRADED, Condition.FALSE, "AllNodesUp", "every node is up", T1.toString()));
        assertThat(condition(status, Condition.REDUNDANCY_MET)).isEqualTo(new Condition(Condition.REDUNDANCY_MET, Condition.TRUE,
                "AllCopiesOwned", "every partition has 2 copies, one in each availability group", T1.toString()));
        assertThat(condition(status, Condition.BALANCED)).isEqualTo(
                new Condition(Condition.BALANCED, Condition.TRUE, "AllPartitionsOwning", "no partition is moving", T1.toString()));
        assertThat(status.aggregators()).isEqualTo(new NodeCounts(1, 1));
        assertThat(status.leaves()).extracting(NodeCounts::ready, NodeCounts::total).containsExactly(4, 4);
        assertThat(status.release()).isEqualTo("2.17.0");
    }

    @Test
    void conditionsComeInAFixedOrder() {
        assertThat(ready().conditions()).extracting(Condition::type).containsExactly(
                Condition.READY, Condition.PROGRESSING, Condition.DEGRADED, Condition.REDUNDANCY_MET, Condition.BALANCED);
    }

    @Test
    void redundancyOneSaysOneCopy() {
        DatabaseClusterSpec spec = new DatabaseClusterSpec("2.17.0", 1, SPEC.aggregators(), SPEC.leaves(), Map.of(), null);
        DatabaseClusterStatus status = build(null, healthy(spec), DONE, T1);

        assertThat(condition(status, Condition.REDUNDANCY_MET).message()).isEqualTo("every partition has 1 copy");
    }

    @Test
    void observedGenerationIsTheGenerationGiven() {
        assertThat(StatusBuilder.build(null, 42, healthy(SPEC), DONE, T1).observedGeneration()).isEqualTo(42L);
        assertThat(StatusBuilder.build(ready(), 43, healthy(SPEC), DONE, T2).observedGeneration()).isEqualTo(43L);
    }

    @Test
    void degradedAfterReadyWhenALeafIsDown() {
        DatabaseClusterStatus status = build(ready(), leafDown(), LEAVES_JOINING, T2);

        assertThat(status.phase()).isEqualTo(Phase.Degraded);
        assertThat(condition(status, Condition.DEGRADED)).isEqualTo(new Condition(Condition.DEGRADED, Condition.TRUE,
                "NodesDown", "leaf-ag1-0 not in the cluster", T2.toString()));
        assertThat(condition(status, Condition.READY).status()).isEqualTo(Condition.FALSE);
        assertThat(condition(status, Condition.READY).reason()).isEqualTo("LeavesJoining");
        assertThat(condition(status, Condition.PROGRESSING).status()).isEqualTo(Condition.TRUE);
        assertThat(condition(status, Condition.REDUNDANCY_MET)).isEqualTo(new Condition(Condition.REDUNDANCY_MET, Condition.FALSE,
                "BaselineNodesOffline", "leaf-ag1-0 offline: their partitions have one copy", T2.toString()));
        assertThat(status.leaves()).extracting(NodeCounts::ready, NodeCounts::total).containsExactly(3, 4);
        assertThat(status.aggregators()).isEqualTo(new NodeCounts(1, 1));
        // the release that was reached is kept while not Ready
        assertThat(status.release()).isEqualTo("2.17.0");
    }

    /** Seen on real pods: an activation that timed out once (Failed, retried) turned a first provisioning into Scaling. */
    @Test
    void aStepThatFailedDuringTheFirstProvisioningLeavesItProvisioning() {
        DatabaseClusterStatus failed = build(null, observed(SPEC, running(LEAVES), view(false, LEAVES, List.of()), false),
                new Step.Failed("ActivatingFailed", "activating the cluster on 4 leaves failed: Timeout"), T1);
        assertThat(failed.phase()).isEqualTo(Phase.Failed);

        DatabaseClusterStatus next = build(failed, observed(SPEC, running(LEAVES), view(true, LEAVES, LEAF_NAMES), false),
                new Step.StartNodes(List.of(AGG_0), "StartingAggregators", "starting aggregator-0"), T2);

        assertThat(next.phase()).isEqualTo(Phase.Provisioning);
        assertThat(condition(next, Condition.DEGRADED).status()).isEqualTo(Condition.FALSE);
    }

    /** Leaves that crash-loop while the cluster is first provisioned (a class the image's JVM cannot load) are degraded. */
    @Test
    void leavesCrashLoopingWhileProvisioningAreDegradedNotUp() {
        Map<NodeId, NodeObservation> nodes = new java.util.TreeMap<>();
        EVERYTHING.forEach(n -> nodes.put(n, new NodeObservation(n, n.isLeaf() ? NodeState.RESTARTING : NodeState.PENDING,
                "2.17.0", null, n.isLeaf() ? 6 : 0, n.isLeaf() ? "last exit code 1 (Error)" : null)));
        Observed observed = new Observed(TestClusters.topology(SPEC, nodes.keySet()), nodes,
                EngineView.unreachable("no leaf is running"), false);
        DatabaseClusterStatus status = build(null, observed, LEAVES_JOINING, T1);

        assertThat(status.phase()).isEqualTo(Phase.Provisioning);
        assertThat(condition(status, Condition.DEGRADED)).isEqualTo(new Condition(Condition.DEGRADED, Condition.TRUE, "NodesDown",
                "leaf-ag1-0 (crashed, restarted 6 times; last exit code 1 (Error)); leaf-ag1-1 (crashed, restarted 6 times; "
                        + "last exit code 1 (Error)); leaf-ag2-0 (crashed, restarted 6 times; last exit code 1 (Error)); "
                        + "leaf-ag2-1 (crashed, restarted 6 times; last exit code 1 (Error))", T1.toString()));
    }

    /** A pod the scheduler cannot place is said so, not called up nor merely "waiting to join". */
    @Test
    void aNodeThatCannotBePlacedIsNotUpAndSaysWhy() {
        Map<NodeId, NodeObservation> nodes = new java.util.TreeMap<>();
        EVERYTHING.forEach(n -> nodes.put(n, new NodeObservation(n, NodeState.RUNNING, "2.17.0", null, 0)));
        nodes.put(AG2_1, new NodeObservation(AG2_1, NodeState.PENDING, "2.17.0", null, 0,
                "not scheduled: 0/1 nodes are available: 1 Insufficient cpu"));
        Observed observed = new Observed(TestClusters.topology(SPEC, nodes.keySet()), nodes,
                view(false, List.of(AG1_0, AG1_1, AG2_0), List.of()), false);
        DatabaseClusterStatus status = build(null, observed, LEAVES_JOINING, T1);

        assertThat(condition(status, Condition.DEGRADED)).isEqualTo(new Condition(Condition.DEGRADED, Condition.FALSE,
                "NodesStarting", "leaf-ag2-1 (not scheduled: 0/1 nodes are available: 1 Insufficient cpu), aggregator-0 not up yet",
                T1.toString()));
    }

    /** An admin call that timed out says nothing of which nodes are in the cluster: the status says what is known. */
    @Test
    void anEngineThatDoesNotAnswerIsNotReportedAsNodesOutOfTheCluster() {
        Observed observed = observed(SPEC, running(EVERYTHING), EngineView.unreachable("admin call timed out after 10 s"), false);
        DatabaseClusterStatus status = build(ready(), observed, LEAVES_JOINING, T2);

        assertThat(condition(status, Condition.DEGRADED).reason()).isEqualTo("EngineNotAnswering");
        assertThat(condition(status, Condition.DEGRADED).message()).doesNotContain("not in the cluster")
                .endsWith("is unknown: admin call timed out after 10 s");
    }

    @Test
    void aSuspendedClusterIsNotCalledUp() {
        DatabaseClusterStatus status = build(ready(), observed(suspended(SPEC), Map.of(), EngineView.unreachable("no leaf is running"),
                false), new Step.Done("Suspended", "every node is stopped; storage is kept"), T2);

        assertThat(condition(status, Condition.DEGRADED).reason()).isEqualTo("Suspended");
    }

    @Test
    void degradedNamesEveryNodeDown() {
        Observed observed = observed(SPEC, merge(running(EVERYTHING), all(List.of(AG1_0, AGG_0), NodeState.RESTARTING)),
                view(true, List.of(AG1_1, AG2_0, AG2_1), LEAF_NAMES), false);
        DatabaseClusterStatus status = build(ready(), observed, LEAVES_JOINING, T2);

        assertThat(status.phase()).isEqualTo(Phase.Degraded);
        assertThat(condition(status, Condition.DEGRADED).message()).isEqualTo("leaf-ag1-0, aggregator-0 not in the cluster");
        assertThat(status.aggregators()).isEqualTo(new NodeCounts(0, 1));
    }

    @Test
    void offlineBaselineLeafWithRedundancyOneMakesItsPartitionsUnavailable() {
        DatabaseClusterSpec spec = new DatabaseClusterSpec("2.17.0", 1, SPEC.aggregators(), SPEC.leaves(), Map.of(), null);
        Observed observed = observed(spec, merge(running(EVERYTHING), all(List.of(AG1_0), NodeState.RESTARTING)),
                view(true, List.of(AG1_1, AG2_0, AG2_1, AGG_0), LEAF_NAMES), true);
        DatabaseClusterStatus status = build(build(null, healthy(spec), DONE, T1), observed, LEAVES_JOINING, T2);

        assertThat(condition(status, Condition.REDUNDANCY_MET).message())
                .isEqualTo("leaf-ag1-0 offline: their partitions are unavailable");
    }

    @Test
    void readyAgainOnceTheLeafIsBack() {
        DatabaseClusterStatus degraded = build(ready(), leafDown(), LEAVES_JOINING, T2);
        DatabaseClusterStatus back = build(degraded, healthy(SPEC), DONE, T3);

        assertThat(back.phase()).isEqualTo(Phase.Ready);
        assertThat(condition(back, Condition.DEGRADED).status()).isEqualTo(Condition.FALSE);
        assertThat(condition(back, Condition.DEGRADED).lastTransitionTime()).isEqualTo(T3.toString());
    }

    @Test
    void scalingWhenTheDeclaredNodesDifferFromTheExistingOnes() {
        DatabaseClusterSpec bigger = spec(3, 1);
        Observed observed = observed(bigger, running(EVERYTHING), view(true, EVERYTHING, LEAF_NAMES), true);
        DatabaseClusterStatus status = build(ready(), observed,
                new Step.StartNodes(List.of(NodeId.leaf(1, 2), NodeId.leaf(2, 2)), "StartingLeaves", "starting"), T2);

        assertThat(status.phase()).isEqualTo(Phase.Scaling);
        assertThat(status.leaves()).extracting(NodeCounts::ready, NodeCounts::total).containsExactly(4, 6);
    }

    @Test
    void suspendedWhileStoppingAndOnceStopped() {
        DatabaseClusterSpec spec = suspended(SPEC);
        DatabaseClusterStatus stopping = build(ready(), observed(spec, running(EVERYTHING), view(true, EVERYTHING, LEAF_NAMES), true),
                new Step.StopNodes(EVERYTHING, "Suspending", "stopping"), T2);

        assertThat(stopping.phase()).isEqualTo(Phase.Suspended);
        assertThat(condition(stopping, Condition.READY).status()).isEqualTo(Condition.FALSE);
        assertThat(condition(stopping, Condition.READY).reason()).isEqualTo("Suspending");
        assertThat(condition(stopping, Condition.PROGRESSING).status()).isEqualTo(Condition.TRUE);
        assertThat(stopping.endpoints()).isNull();

        DatabaseClusterStatus stopped = build(stopping, observed(spec, all(EVERYTHING, NodeState.STOPPED),
                EngineView.unreachable("no leaf is running"), false), new Step.Done("Suspended", "every node is stopped"), T3);

        assertThat(stopped.phase()).isEqualTo(Phase.Suspended);
        assertThat(condition(stopped, Condition.READY)).isEqualTo(
                new Condition(Condition.READY, Condition.FALSE, "Suspended", "every node is stopped", T2.toString()));
        assertThat(condition(stopped, Condition.PROGRESSING).status()).isEqualTo(Condition.FALSE);
        // stopped on purpose: not degraded
        assertThat(condition(stopped, Condition.DEGRADED).status()).isEqualTo(Condition.FALSE);
        assertThat(condition(stopped, Condition.REDUNDANCY_MET).status()).isEqualTo(Condition.UNKNOWN);
        assertThat(stopped.leaves()).extracting(NodeCounts::ready, NodeCounts::total).containsExactly(0, 4);
        assertThat(stopped.endpoints()).isNull();
    }

    @Test
    void provisioningAgainWhenResumed() {
        DatabaseClusterStatus suspendedStatus = build(ready(), observed(suspended(SPEC), all(EVERYTHING, NodeState.STOPPED),
                EngineView.unreachable("no leaf is running"), false), new Step.Done("Suspended", "stopped"), T2);
        DatabaseClusterStatus resuming = build(suspendedStatus, observed(SPEC, all(EVERYTHING, NodeState.STOPPED),
                EngineView.unreachable("no leaf is running"), false), START_LEAVES, T3);

        assertThat(resuming.phase()).isEqualTo(Phase.Provisioning);
        assertThat(condition(resuming, Condition.DEGRADED).status()).isEqualTo(Condition.FALSE);
    }

    @Test
    void rebalancingIsNeitherRedundantNorBalanced() {
        Observed observed = observed(SPEC, running(EVERYTHING), view(true, EVERYTHING, LEAF_NAMES, 12), true);
        DatabaseClusterStatus status = build(null, observed, DONE, T1);

        assertThat(condition(status, Condition.REDUNDANCY_MET)).isEqualTo(new Condition(Condition.REDUNDANCY_MET, Condition.FALSE,
                "Rebalancing", "12 partition copies are still being filled", T1.toString()));
        assertThat(condition(status, Condition.BALANCED)).isEqualTo(new Condition(Condition.BALANCED, Condition.FALSE,
                "Rebalancing", "12 partition copies not yet owning", T1.toString()));
    }

    @Test
    void anUnsupportedWaitIsNotProgressing() {
        Step unsupported = new Step.Blocked("LeafScaleInUnsupported", "removing leaves (leaf-ag1-2) needs a rebalance");
        DatabaseClusterStatus status = build(ready(), healthy(SPEC), unsupported, T2);

        assertThat(condition(status, Condition.PROGRESSING)).isEqualTo(new Condition(Condition.PROGRESSING, Condition.FALSE,
                "LeafScaleInUnsupported", "removing leaves (leaf-ag1-2) needs a rebalance", T1.toString()));
        assertThat(condition(status, Condition.READY).status()).isEqualTo(Condition.FALSE);
    }

    // --- endpoints --------------------------------------------------------------------------------------------------

    @Test
    void endpointsNameEveryAggregator() {
        DatabaseClusterSpec spec = spec(2, 3);
        DatabaseClusterStatus status = build(null, healthy(spec), DONE, T1);

        // TestClusters places aggregator-N at 10.0.0.1:1090N
        assertThat(status.endpoints()).isEqualTo(new Endpoints(
                "jdbc:ignite:thin://10.0.0.1:10900,10.0.0.1:10901,10.0.0.1:10902",
                List.of("10.0.0.1:10900", "10.0.0.1:10901", "10.0.0.1:10902")));
    }

    @Test
    void endpointsAreKnownWhileProvisioning() {
        DatabaseClusterStatus status = build(null, observed(SPEC, Map.of(), EngineView.unreachable("none"), false), START_LEAVES, T1);

        assertThat(status.endpoints()).isEqualTo(new Endpoints("jdbc:ignite:thin://10.0.0.1:10900", List.of("10.0.0.1:10900")));
    }

    // --- lastTransitionTime -----------------------------------------------------------------------------------------

    @Test
    void lastTransitionTimeIsKeptWhileTheStatusStaysTheSame() {
        DatabaseClusterStatus first = build(null, observed(SPEC, Map.of(), EngineView.unreachable("none"), false), START_LEAVES, T1);
        DatabaseClusterStatus second = build(first, observed(SPEC, running(LEAVES), view(false, LEAVES, Set.of()), false),
                new Step.Activate("Activating", "activating"), T2);

        Condition ready = condition(second, Condition.READY);
        assertThat(ready.status()).isEqualTo(Condition.FALSE);
        assertThat(ready.lastTransitionTime()).isEqualTo(T1.toString());
        // reason and message follow the step even when the status does not change
        assertThat(ready.reason()).isEqualTo("Activating");
        assertThat(ready.message()).isEqualTo("activating");
        assertThat(condition(second, Condition.PROGRESSING).lastTransitionTime()).isEqualTo(T1.toString());
    }

    @Test
    void lastTransitionTimeChangesWhenTheStatusChanges() {
        DatabaseClusterStatus first = build(null, observed(SPEC, Map.of(), EngineView.unreachable("none"), false), START_LEAVES, T1);
        DatabaseClusterStatus second = build(first, healthy(SPEC), DONE, T2);
        DatabaseClusterStatus third = build(second, healthy(SPEC), DONE, T3);

        assertThat(condition(second, Condition.READY).lastTransitionTime()).isEqualTo(T2.toString());
        assertThat(condition(second, Condition.PROGRESSING).lastTransitionTime()).isEqualTo(T2.toString());
        assertThat(condition(second, Condition.REDUNDANCY_MET).lastTransitionTime()).isEqualTo(T2.toString());
        // Degraded stayed False throughout
        assertThat(condition(second, Condition.DEGRADED).lastTransitionTime()).isEqualTo(T1.toString());
        // nothing changed from second to third
        assertThat(third).isEqualTo(second);
    }

    @Test
    void aConditionMissingFromThePreviousStatusStartsNow() {
        DatabaseClusterStatus previous = new DatabaseClusterStatus(Phase.Provisioning, List.of(
                new Condition(Condition.READY, Condition.FALSE, "x", "y", T1.toString())), 1L, null, null, null, null, null);
        DatabaseClusterStatus status = build(previous, observed(SPEC, Map.of(), EngineView.unreachable("none"), false),
                START_LEAVES, T2);

        assertThat(condition(status, Condition.READY).lastTransitionTime()).isEqualTo(T1.toString());
        assertThat(condition(status, Condition.PROGRESSING).lastTransitionTime()).isEqualTo(T2.toString());
    }

    @Test
    void conditionHelperKeepsOrChangesTheTime() {
        DatabaseClusterStatus previous = new DatabaseClusterStatus(Phase.Ready, List.of(
                new Condition(Condition.DEGRADED, Condition.FALSE, "AllNodesUp", "ok", T1.toString())), 1L, null, null, null, null, null);

        assertThat(StatusBuilder.condition(previous, Condition.DEGRADED, false, "AllNodesUp", "ok", T2).lastTransitionTime())
                .isEqualTo(T1.toString());
        assertThat(StatusBuilder.condition(previous, Condition.DEGRADED, true, "NodesDown", "x", T2).lastTransitionTime())
                .isEqualTo(T2.toString());
        assertThat(StatusBuilder.condition(previous, Condition.DEGRADED, null, "Unknown", "x", T3))
                .isEqualTo(new Condition(Condition.DEGRADED, Condition.UNKNOWN, "Unknown", "x", T3.toString()));
        assertThat(StatusBuilder.condition(null, Condition.DEGRADED, false, "AllNodesUp", "ok", T2).lastTransitionTime())
                .isEqualTo(T2.toString());
    }

    /** A fenced source looked Ready while every write failed: it says it is read-only, and when it takes writes again. */
    @Test
    void aFencedClusterSaysItIsReadOnly() {
        Observed healthy = TestClusters.healthy(TestClusters.spec());
        EngineView v = healthy.engine();
        EngineView fenced = new EngineView(v.reachable(), v.active(), v.serverNodes(), v.clientNodes(), v.baseline(),
                v.partitionsNotOwning(), v.movingByLeaf(), v.lostByTable(), v.detail(), true);
        Observed observed = new Observed(healthy.topology(), healthy.nodes(), fenced, true);
        DatabaseClusterStatus status = StatusBuilder.build(null, 1, observed, new Step.Done("Ready", "ready"), java.time.Instant.EPOCH);
        assertThat(status.condition(Condition.READ_ONLY)).hasValueSatisfying(c -> {
            assertThat(c.status()).isEqualTo(Condition.TRUE);
            assertThat(c.reason()).isEqualTo("Fenced");
        });
        DatabaseClusterStatus writable = StatusBuilder.build(status, 1, healthy, new Step.Done("Ready", "ready"), java.time.Instant.EPOCH);
        assertThat(writable.condition(Condition.READ_ONLY)).hasValueSatisfying(c -> assertThat(c.status()).isEqualTo(Condition.FALSE));
        DatabaseClusterStatus never = StatusBuilder.build(null, 1, healthy, new Step.Done("Ready", "ready"), java.time.Instant.EPOCH);
        assertThat(never.condition(Condition.READ_ONLY)).as("not said of a cluster never fenced").isEmpty();
    }

    /** Degraded said every node was up next to RedundancyMet naming offline baseline leaves: both now count them. */
    @Test
    void aBaselineLeafNoLongerInTheSpecButOfflineIsDown() {
        Observed healthy = TestClusters.healthy(TestClusters.spec());
        EngineView v = healthy.engine();
        Set<String> baseline = new java.util.TreeSet<>(v.baseline());
        baseline.add("leaf-ag1-2");
        EngineView view = new EngineView(true, true, v.serverNodes(), v.clientNodes(), baseline, 0, v.detail());
        Observed observed = new Observed(healthy.topology(), healthy.nodes(), view, true);
        DatabaseClusterStatus status = StatusBuilder.build(null, 1, observed, new Step.Wait("ScalingIn", "removing"), Instant.EPOCH);
        assertThat(status.condition(Condition.DEGRADED)).hasValueSatisfying(c -> {
            assertThat(c.status()).isEqualTo(Condition.TRUE);
            assertThat(c.message()).isEqualTo("leaf-ag1-2 (in the baseline, no longer in the spec) not in the cluster");
        });
        assertThat(status.condition(Condition.REDUNDANCY_MET)).hasValueSatisfying(c -> assertThat(c.message()).startsWith("leaf-ag1-2 offline"));
    }
}

package dev.canopy.core;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.api.RebalanceStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.canopy.core.TestClusters.AG2_0;
import static dev.canopy.core.TestClusters.LEAF_NAMES;
import static dev.canopy.core.TestClusters.observed;
import static dev.canopy.core.TestClusters.running;
import static dev.canopy.core.TestClusters.spec;
import static org.assertj.core.api.Assertions.assertThat;

/** A rebalance whose count of copies being filled stays the same for too long is started again by restarting a leaf. */
class StalledRebalanceTest {
    private static final DatabaseClusterSpec SPEC = spec();
    private static final Instant STARTED = Instant.parse("2026-12-03T03:00:00Z");
    private static final PlannerPolicy POLICY = PlannerPolicy.DEFAULTS.withRebalanceStalledAfter(Duration.ofMinutes(2));

    private static EngineView moving(Map<String, Integer> movingByLeaf, int notOwning) {
        List<NodeId> all = DesiredNodes.all(SPEC);
        EngineView base = TestClusters.view(true, all, LEAF_NAMES, notOwning);
        return new EngineView(true, true, base.serverNodes(), base.clientNodes(), base.baseline(), notOwning, movingByLeaf,
                new TreeMap<>(movingByLeaf).entrySet().stream().map(e -> e.getValue() + " MOVING on " + e.getKey())
                        .reduce((a, b) -> a + ", " + b).orElse(""));
    }

    private static Observed at(Instant now, EngineView engine, RebalanceStatus previousRebalance) {
        Observed o = observed(SPEC, running(DesiredNodes.all(SPEC)), engine, true);
        DatabaseClusterStatus previous = new DatabaseClusterStatus(Phase.Upgrading, List.of(), 1L, null, null, "2.17.0", null,
                null, previousRebalance);
        return new Observed(o.topology(), o.nodes(), o.engine(), o.serving(), o.desiredFingerprints(), previous, now);
    }

    @Test
    void copiesThatStopMovingForTheWholeWaitRestartTheLeafFillingMostOfThem() {
        EngineView engine = moving(Map.of("leaf-ag2-0", 118, "leaf-ag2-1", 2), 120);

        Step step = Planner.next(at(STARTED.plus(Duration.ofMinutes(2)), engine, new RebalanceStatus(120, STARTED.toString())), POLICY);

        assertThat(step).isInstanceOf(Step.StopNodes.class);
        assertThat(((Step.StopNodes) step).nodes()).containsExactly(AG2_0);
        assertThat(step.reason()).isEqualTo(Planner.REBALANCE_STALLED);
        assertThat(step.message()).startsWith("no partition copy finished moving for 120 s (118 MOVING on leaf-ag2-0, 2 MOVING on leaf-ag2-1)")
                .contains("restarting leaf-ag2-0 with its storage");
    }

    @Test
    void aRebalanceThatMovesOrHasNotWaitedLongEnoughIsLeftAlone() {
        EngineView engine = moving(Map.of("leaf-ag2-0", 118), 118);

        Step tooSoon = Planner.next(at(STARTED.plus(Duration.ofSeconds(119)), engine, new RebalanceStatus(118, STARTED.toString())), POLICY);
        Step progressed = Planner.next(at(STARTED.plus(Duration.ofMinutes(5)), engine, new RebalanceStatus(130, STARTED.toString())), POLICY);
        Step firstSeen = Planner.next(at(STARTED.plus(Duration.ofMinutes(5)), engine, null), POLICY);

        assertThat(List.of(tooSoon, progressed, firstSeen)).allSatisfy(step -> assertThat(step).isInstanceOf(Step.Wait.class));
    }

    @Test
    void copiesLostOrBeingEvictedAreNeverRestartedAway() {
        // 118 MOVING on leaf-ag2-0, and 10 more not owning that are not being filled (LOST or RENTING): no owner is sure
        EngineView engine = moving(Map.of("leaf-ag2-0", 118), 128);

        Step step = Planner.next(at(STARTED.plus(Duration.ofMinutes(10)), engine, new RebalanceStatus(128, STARTED.toString())), POLICY);

        assertThat(step).isInstanceOf(Step.Wait.class);
    }

    @Test
    void copiesFilledInBothGroupsAreLeftAlone() {
        // a runtime that stops a group's leaves from the top could then take the last owner of a partition
        EngineView engine = moving(Map.of("leaf-ag1-1", 5, "leaf-ag2-0", 118), 123);

        Step step = Planner.next(at(STARTED.plus(Duration.ofMinutes(10)), engine, new RebalanceStatus(123, STARTED.toString())), POLICY);

        assertThat(step).isInstanceOf(Step.Wait.class);
    }

    @Test
    void statusKeepsTheTimeSinceTheCountLastChangedAndStartsAgainAfterTheRestart() {
        Instant now = STARTED.plus(Duration.ofMinutes(1));
        EngineView engine = moving(Map.of("leaf-ag2-0", 118), 118);
        RebalanceStatus same = new RebalanceStatus(118, STARTED.toString());
        Step waiting = new Step.Wait("RollingRestart", "waiting");

        assertThat(StatusBuilder.rebalance(status(same), engine, waiting, now)).isEqualTo(same);
        assertThat(StatusBuilder.rebalance(status(new RebalanceStatus(119, STARTED.toString())), engine, waiting, now))
                .isEqualTo(new RebalanceStatus(118, now.toString()));
        assertThat(StatusBuilder.rebalance(status(same), engine,
                new Step.StopNodes(List.of(AG2_0), Planner.REBALANCE_STALLED, "restarting"), now))
                .isEqualTo(new RebalanceStatus(118, now.toString()));
        assertThat(StatusBuilder.rebalance(status(same), moving(Map.of(), 0), new Step.Done("Ready", "ready"), now)).isNull();
    }

    private static DatabaseClusterStatus status(RebalanceStatus rebalance) {
        return new DatabaseClusterStatus(Phase.Ready, List.of(), 1L, null, null, null, null, null, rebalance);
    }

    @Test
    void theRestartedLeafIsStartedAgainOnTheNextPass() {
        Map<NodeId, NodeState> states = new TreeMap<>(running(DesiredNodes.all(SPEC)));
        states.put(AG2_0, NodeState.STOPPED);
        Step step = Planner.next(observed(SPEC, states, TestClusters.view(true, DesiredNodes.all(SPEC).stream()
                .filter(n -> !n.equals(AG2_0)).toList(), LEAF_NAMES, 0), true), POLICY);

        assertThat(step).isEqualTo(new Step.StartNodes(List.of(AG2_0), "StartingLeaves", "starting leaf-ag2-0"));
    }
}

package dev.canopy.core;

import dev.canopy.api.DatabaseClusterSpec;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static dev.canopy.core.TestClusters.AG1_0;
import static dev.canopy.core.TestClusters.AG1_1;
import static dev.canopy.core.TestClusters.AG1_2;
import static dev.canopy.core.TestClusters.AG2_0;
import static dev.canopy.core.TestClusters.AG2_1;
import static dev.canopy.core.TestClusters.AGG_0;
import static dev.canopy.core.TestClusters.LEAVES;
import static dev.canopy.core.TestClusters.concat;
import static dev.canopy.core.TestClusters.merge;
import static dev.canopy.core.TestClusters.nodes;
import static dev.canopy.core.TestClusters.running;
import static dev.canopy.core.TestClusters.topology;
import static org.assertj.core.api.Assertions.assertThat;

class ReplicationTest {
    private static final ReplicationTarget GREEN = new ReplicationTarget("green", List.of("10.0.1.1:10800"));
    private static final DatabaseClusterSpec SOURCE = withCapture(TestClusters.spec());

    /** An engine whose specs capture changes when their config says "capture"; a launch's fingerprint names its target. */
    private static final ChangeCapture ENGINE = new ChangeCapture() {
        @Override
        public boolean capturesChanges(DatabaseClusterSpec spec) {
            return spec.config().containsKey("capture");
        }

        @Override
        public String notCapturingReason() {
            return "spec.config.capture is not set";
        }

        @Override
        public NodeLaunch renderCapture(Topology source, NodeId leaf, List<String> targetAddresses) {
            return new NodeLaunch(source.spec().release(), List.of(), Map.of(), List.of("--cdc"), leaf.name() + "->" + targetAddresses);
        }

        @Override
        public void heartbeat(Topology source) {
        }

        @Override
        public Optional<java.time.Instant> replicatedUpTo(Topology source) {
            return Optional.empty();
        }
    };

    private static DatabaseClusterSpec withCapture(DatabaseClusterSpec spec) {
        return new DatabaseClusterSpec(spec.release(), spec.redundancyLevel(), spec.aggregators(), spec.leaves(),
                Map.of("capture", "1000"), spec.suspended());
    }

    private static Map<NodeId, String> capturing(List<NodeId> leaves, ReplicationTarget target) {
        Map<NodeId, String> running = new TreeMap<>();
        leaves.forEach(leaf -> running.put(leaf, leaf.name() + "->" + target.addresses()));
        return running;
    }

    @Test
    void nothingRunsWithoutATarget() {
        Replication.Plan plan = Replication.plan(topology(SOURCE, List.of()), nodes(running(concat(LEAVES, List.of(AGG_0)))),
                Optional.empty(), Map.of(), ENGINE);
        assertThat(plan.idle()).isTrue();
        assertThat(plan.streaming()).isFalse();
        assertThat(plan.state()).isEqualTo("not replicated");
    }

    @Test
    void aTargetStartsACaptureBesideEveryRunningLeafAndNoAggregator() {
        Replication.Plan plan = Replication.plan(topology(SOURCE, List.of()), nodes(running(concat(LEAVES, List.of(AGG_0)))),
                Optional.of(GREEN), Map.of(), ENGINE);
        assertThat(plan.start()).containsOnlyKeys(LEAVES);
        assertThat(plan.stop()).isEmpty();
        assertThat(plan.state()).isEqualTo("streaming to green from 4 of 4 leaves");

        Replication.Plan again = Replication.plan(topology(SOURCE, List.of()), nodes(running(LEAVES)), Optional.of(GREEN),
                capturing(LEAVES, GREEN), ENGINE);
        assertThat(again.idle()).as("the same launches run already").isTrue();
        assertThat(again.streaming()).isTrue();
    }

    @Test
    void aHeldTargetStartsNoCaptureAndStopsTheRunningOnes() {
        ReplicationTarget held = new ReplicationTarget(GREEN.cluster(), GREEN.addresses(), true);
        Replication.Plan plan = Replication.plan(topology(SOURCE, List.of()), nodes(running(LEAVES)), Optional.of(held),
                capturing(LEAVES, GREEN), ENGINE);
        assertThat(plan.start()).isEmpty();
        assertThat(plan.stop()).containsExactlyInAnyOrderElementsOf(LEAVES);
        assertThat(plan.streaming()).isFalse();
        assertThat(plan.state()).isEqualTo("capturing changes for green, held until its copy is done");
    }

    @Test
    void aLeafThatIsDownGetsItsCaptureOnceItRunsAndKeepsOneItHad() {
        Map<NodeId, NodeState> states = merge(running(List.of(AG1_0, AG2_0, AG2_1)), Map.of(AG1_1, NodeState.RESTARTING));
        Replication.Plan fresh = Replication.plan(topology(SOURCE, List.of()), nodes(states), Optional.of(GREEN), Map.of(), ENGINE);
        assertThat(fresh.start()).containsOnlyKeys(AG1_0, AG2_0, AG2_1);
        assertThat(fresh.state()).isEqualTo("streaming to green from 3 of 4 leaves");

        Replication.Plan had = Replication.plan(topology(SOURCE, List.of()), nodes(states), Optional.of(GREEN),
                capturing(LEAVES, GREEN), ENGINE);
        assertThat(had.idle()).isTrue();
    }

    @Test
    void anotherTargetRestartsTheCaptures() {
        ReplicationTarget elsewhere = new ReplicationTarget("green", List.of("10.0.2.1:10800"));
        Replication.Plan plan = Replication.plan(topology(SOURCE, List.of()), nodes(running(LEAVES)), Optional.of(elsewhere),
                capturing(LEAVES, GREEN), ENGINE);
        assertThat(plan.start()).containsOnlyKeys(LEAVES);
        assertThat(plan.start().get(AG1_0).fingerprint()).contains("10.0.2.1");
    }

    @Test
    void aScaledInLeafsCaptureStops() {
        Map<NodeId, String> running = capturing(concat(LEAVES, List.of(AG1_2)), GREEN);
        Replication.Plan plan = Replication.plan(topology(SOURCE, List.of(AG1_2)), nodes(running(concat(LEAVES, List.of(AG1_2)))),
                Optional.of(GREEN), running, ENGINE);
        assertThat(plan.stop()).containsExactly(AG1_2);
        assertThat(plan.start()).isEmpty();
    }

    @Test
    void everyCaptureStopsWhenTheTargetGoesTheClusterIsSuspendedOrItsLeavesCaptureNothing() {
        Map<NodeId, String> running = capturing(LEAVES, GREEN);
        Map<NodeId, NodeObservation> up = nodes(running(LEAVES));
        Replication.Plan off = Replication.plan(topology(SOURCE, List.of()), up, Optional.empty(), running, ENGINE);
        assertThat(off.stop()).containsExactlyInAnyOrderElementsOf(LEAVES);

        Replication.Plan suspended = Replication.plan(topology(SOURCE.withSuspended(true), List.of()), up, Optional.of(GREEN), running, ENGINE);
        assertThat(suspended.stop()).containsExactlyInAnyOrderElementsOf(LEAVES);
        assertThat(suspended.streaming()).isFalse();
        assertThat(suspended.state()).startsWith("suspended");

        Replication.Plan plain = Replication.plan(topology(TestClusters.spec(), List.of()), up, Optional.of(GREEN), running, ENGINE);
        assertThat(plain.stop()).containsExactlyInAnyOrderElementsOf(LEAVES);
        assertThat(plain.start()).isEmpty();
        assertThat(plain.state()).isEqualTo("cannot stream to green: spec.config.capture is not set");
    }

    @Test
    void applyStopsThenStarts() {
        Map<NodeId, String> captures = new HashMap<>(capturing(List.of(AG1_2), GREEN));
        Captures runtime = new Captures() {
            @Override
            public void startCapture(String cluster, NodeId leaf, NodeLaunch launch) {
                captures.put(leaf, launch.fingerprint());
            }

            @Override
            public void stopCapture(String cluster, NodeId leaf) {
                captures.remove(leaf);
            }

            @Override
            public Map<NodeId, String> captures(String cluster) {
                return Map.copyOf(captures);
            }
        };
        Replication.Plan plan = Replication.plan(topology(SOURCE, List.of(AG1_2)), nodes(running(LEAVES)), Optional.of(GREEN),
                runtime.captures("orders"), ENGINE);
        Replication.apply("orders", plan, runtime);
        assertThat(captures.keySet()).isEqualTo(Set.copyOf(LEAVES));
        assertThat(Replication.plan(topology(SOURCE, List.of()), nodes(running(LEAVES)), Optional.of(GREEN),
                runtime.captures("orders"), ENGINE).idle()).isTrue();
    }
}

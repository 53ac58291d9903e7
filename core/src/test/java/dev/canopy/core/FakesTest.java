package dev.canopy.core;

import dev.canopy.api.DatabaseClusterSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.canopy.core.TestClusters.AG1_0;
import static dev.canopy.core.TestClusters.AG1_1;
import static dev.canopy.core.TestClusters.AG2_0;
import static dev.canopy.core.TestClusters.AGG_0;
import static dev.canopy.core.TestClusters.CLUSTER;
import static dev.canopy.core.TestClusters.LEAVES;
import static dev.canopy.core.TestClusters.LEAF_NAMES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The fakes behave as their documentation says, so that the reconciler tests mean what they say. */
class FakesTest {

    private static final DatabaseClusterSpec SPEC = TestClusters.spec();

    private final FakeRuntime runtime = new FakeRuntime();
    private final FakeEngine engine = new FakeEngine(runtime);

    private Topology topology() {
        return new Topology(CLUSTER, SPEC, runtime.place(CLUSTER, DesiredNodes.all(SPEC)));
    }

    private void startAll(List<NodeId> nodes) {
        Topology topology = topology();
        nodes.forEach(n -> runtime.start(CLUSTER, n, engine.render(topology, n)));
    }

    @Test
    void placementsAreStableAndDistinct() {
        Map<NodeId, NodePlacement> first = runtime.place(CLUSTER, List.of(AG1_0, AGG_0));
        Map<NodeId, NodePlacement> second = runtime.place(CLUSTER, List.of(AGG_0, AG1_0, AG1_1));

        assertThat(second.get(AG1_0)).isEqualTo(first.get(AG1_0));
        assertThat(second.get(AGG_0)).isEqualTo(first.get(AGG_0));
        assertThat(second.keySet()).containsExactlyInAnyOrder(AG1_0, AG1_1, AGG_0);
        assertThat(second.values()).extracting(NodePlacement::sqlPort).doesNotHaveDuplicates();
        assertThat(second.values()).extracting(NodePlacement::workDirectory).doesNotHaveDuplicates();
        assertThat(first.get(AG1_0).workDirectory()).contains(CLUSTER).endsWith("leaf-ag1-0");
    }

    @Test
    void nodesGoThroughTheirStates() {
        startAll(List.of(AG1_0));
        assertThat(runtime.state(CLUSTER, AG1_0)).contains(NodeState.RUNNING);

        runtime.crash(CLUSTER, AG1_0);
        assertThat(runtime.state(CLUSTER, AG1_0)).contains(NodeState.RESTARTING);
        assertThat(runtime.observe(CLUSTER)).singleElement().extracting(NodeObservation::restarts).isEqualTo(1);

        runtime.recover(CLUSTER, AG1_0);
        assertThat(runtime.state(CLUSTER, AG1_0)).contains(NodeState.RUNNING);

        runtime.stop(CLUSTER, AG1_0);
        assertThat(runtime.state(CLUSTER, AG1_0)).contains(NodeState.STOPPED);

        runtime.delete(CLUSTER, AG1_0);
        assertThat(runtime.state(CLUSTER, AG1_0)).isEmpty();
        assertThat(runtime.placement(CLUSTER, AG1_0)).isEmpty();
        assertThat(runtime.observe(CLUSTER)).isEmpty();
        assertThat(runtime.calls()).containsExactly("start leaf-ag1-0", "stop leaf-ag1-0", "delete leaf-ag1-0");
    }

    @Test
    void renderIsPureAndFollowsTheSpec() {
        Topology topology = topology();
        assertThat(engine.render(topology, AG1_0)).isEqualTo(engine.render(topology, AG1_0));
        assertThat(engine.render(topology, AG1_0).fingerprint()).isNotEqualTo(engine.render(topology, AG2_0).fingerprint());

        DatabaseClusterSpec tuned = new DatabaseClusterSpec(SPEC.release(), SPEC.redundancyLevel(), SPEC.aggregators(),
                SPEC.leaves(), Map.of("walMode", "FSYNC"), null);
        Topology tunedTopology = new Topology(CLUSTER, tuned, topology.placements());
        assertThat(engine.render(tunedTopology, AG1_0).fingerprint()).isNotEqualTo(engine.render(topology, AG1_0).fingerprint());
    }

    @Test
    void runningLeavesJoinAndFirstActivationBaselinesThem() {
        assertThat(engine.observe(topology()).reachable()).isFalse();
        startAll(LEAVES);

        EngineView view = engine.observe(topology());
        assertThat(view.reachable()).isTrue();
        assertThat(view.active()).isFalse();
        assertThat(view.serverNodes()).isEqualTo(LEAF_NAMES);
        assertThat(view.baseline()).isEmpty();
        assertThat(view.partitionsNotOwning()).isEqualTo(-1);

        engine.activate(topology());
        view = engine.observe(topology());
        assertThat(view.active()).isTrue();
        assertThat(view.baseline()).isEqualTo(LEAF_NAMES);
        assertThat(view.partitionsNotOwning()).isZero();
        assertThat(runtime.journal()).last().isEqualTo("activate");
    }

    @Test
    void heldBackNodeRunsWithoutJoining() {
        engine.holdBack(AG1_0);
        startAll(LEAVES);
        assertThat(engine.observe(topology()).joined(AG1_0)).isFalse();

        engine.release(AG1_0);
        assertThat(engine.observe(topology()).joined(AG1_0)).isTrue();
    }

    @Test
    void setBaselineNeedsOnlineLeaves() {
        startAll(List.of(AG1_0, AG1_1));
        engine.activate(topology());

        engine.setBaseline(topology(), Set.of("leaf-ag1-0"));
        assertThat(engine.baseline(CLUSTER)).containsExactly("leaf-ag1-0");
        assertThatIllegalStateException().isThrownBy(() -> engine.setBaseline(topology(), Set.of("leaf-ag2-0")));
    }

    @Test
    void sqlAnswersThroughAJoinedAggregatorOfAnActiveCluster() {
        startAll(LEAVES);
        assertThat(engine.sqlAnswers(topology(), AGG_0)).isFalse();
        engine.activate(topology());
        assertThat(engine.sqlAnswers(topology(), AGG_0)).isFalse();
        startAll(List.of(AGG_0));
        assertThat(engine.sqlAnswers(topology(), AGG_0)).isTrue();
        engine.sqlWorks(false);
        assertThat(engine.sqlAnswers(topology(), AGG_0)).isFalse();
    }

    @Test
    void clusterGoesInactiveWhenEveryLeafStopsAndComesBackWithItsBaseline() {
        startAll(LEAVES);
        engine.activate(topology());

        runtime.crash(CLUSTER, AG1_0);
        assertThat(engine.isActive(CLUSTER)).as("one leaf down keeps the cluster active").isTrue();
        runtime.recover(CLUSTER, AG1_0);

        LEAVES.forEach(n -> runtime.stop(CLUSTER, n));
        assertThat(engine.isActive(CLUSTER)).isFalse();

        startAll(List.of(AG1_0, AG1_1, AG2_0));
        assertThat(engine.isActive(CLUSTER)).as("a baseline node still missing").isFalse();
        startAll(LEAVES);
        assertThat(engine.isActive(CLUSTER)).isTrue();
        assertThat(engine.baseline(CLUSTER)).isEqualTo(LEAF_NAMES);
        assertThat(engine.calls()).containsExactly("activate");
    }
}

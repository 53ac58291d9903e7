package dev.canopy.core;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.canopy.core.TestClusters.AG1_0;
import static dev.canopy.core.TestClusters.AG2_1;
import static dev.canopy.core.TestClusters.names;
import static dev.canopy.core.TestClusters.running;
import static dev.canopy.core.TestClusters.spec;
import static dev.canopy.core.TestClusters.topology;
import static org.assertj.core.api.Assertions.assertThat;

/** Golden sequence: a leaf fills its storageGB, the cluster turns read-only, the spec gives more, it takes writes again. */
class StorageLimitTest {
    private static final long GIB = 1L << 30;
    private static final DatabaseClusterSpec SPEC = spec(); // storageGB as TestClusters declares it
    private static final int STORAGE_GB = SPEC.leaves().storageGB();
    private static final Instant NOW = Instant.parse("2026-12-07T02:00:00Z");

    @Test
    void aFullLeafTurnsTheClusterReadOnlyAndMoreStorageTurnsItBack() {
        long full = (long) (0.96 * STORAGE_GB * GIB);
        Observed filling = observed(SPEC, Map.of(AG2_1, full), false, null);
        Step first = Planner.next(filling);
        assertThat(first).isEqualTo(new Step.SetReadOnly(true, "StorageFull", "leaf-ag2-1 uses "
                + String.format(java.util.Locale.ROOT, "%.2f", full / (double) GIB) + " GiB of its " + STORAGE_GB
                + " GiB (spec.leaves.storageGB): the cluster takes no writes (reads go on) until spec.leaves.storageGB is raised"));
        DatabaseClusterStatus afterFirst = StatusBuilder.build(null, 1, filling, first, NOW);
        Condition readOnly = afterFirst.condition(Condition.READ_ONLY).orElseThrow();
        assertThat(readOnly.status()).isEqualTo(Condition.TRUE);
        assertThat(readOnly.reason()).isEqualTo("StorageFull");
        assertThat(afterFirst.leaves().storageUsedBytes()).as("what the storage autoscaler reads; unmeasured leaves left out")
                .isEqualTo(Map.of("leaf-ag2-1", full));

        // read-only now, still full: nothing more to do, and the status keeps saying why
        Observed stillFull = observed(SPEC, Map.of(AG2_1, full), true, afterFirst);
        Step second = Planner.next(stillFull);
        assertThat(second).isInstanceOf(Step.Done.class);
        DatabaseClusterStatus afterSecond = StatusBuilder.build(afterFirst, 1, stillFull, second, NOW);
        assertThat(afterSecond.condition(Condition.READ_ONLY).orElseThrow()).isEqualTo(readOnly);

        // twice the storage: the same bytes are under 90% of the new threshold
        DatabaseClusterSpec more = withStorage(SPEC, STORAGE_GB * 2);
        Step third = Planner.next(observed(more, Map.of(AG2_1, full), true, afterSecond));
        assertThat(third).isEqualTo(new Step.SetReadOnly(false, "StorageFreed", "every leaf's storage is below 86% of its "
                + STORAGE_GB * 2 + " GiB: taking writes again"));
    }

    @Test
    void aFencedClusterIsNotUnfencedForItsStorage() {
        DatabaseClusterStatus fenced = new DatabaseClusterStatus(Phase.Ready, List.of(new Condition(Condition.READ_ONLY,
                Condition.TRUE, "Fenced", "fenced", NOW.toString())), 1L, null, null, "2.17.0", null, null);
        assertThat(Planner.next(observed(SPEC, Map.of(AG1_0, GIB / 10), true, fenced))).isInstanceOf(Step.Done.class);
    }

    @Test
    void leavesUnderTheLimitOrNotMeasuredChangeNothing() {
        assertThat(Planner.next(observed(SPEC, Map.of(AG1_0, (long) (0.9 * STORAGE_GB * GIB)), false, null))).isInstanceOf(Step.Done.class);
        assertThat(Planner.next(observed(SPEC, Map.of(), false, null))).isInstanceOf(Step.Done.class);
    }

    private static DatabaseClusterSpec withStorage(DatabaseClusterSpec spec, int storageGB) {
        var l = spec.leaves();
        return new DatabaseClusterSpec(spec.release(), spec.redundancyLevel(), spec.aggregators(),
                new dev.canopy.api.LeavesSpec(l.count(), l.height(), storageGB, l.storageClass()), spec.config(), spec.suspended());
    }

    /** Everything up, joined, active, baselined and answering; the given leaves' storage measured, the rest not. */
    private static Observed observed(DatabaseClusterSpec spec, Map<NodeId, Long> storage, boolean readOnly, DatabaseClusterStatus previous) {
        List<NodeId> all = DesiredNodes.all(spec);
        Map<NodeId, NodeObservation> nodes = new TreeMap<>();
        running(all).forEach((node, state) -> nodes.put(node, new NodeObservation(node, state, "2.17.0", "fp", 0, null, true,
                storage.getOrDefault(node, -1L))));
        Set<String> leaves = names(DesiredNodes.leaves(spec));
        EngineView engine = new EngineView(true, true, leaves, names(DesiredNodes.aggregators(spec)), leaves, 0, Map.of(), Map.of(), "", readOnly);
        Map<NodeId, String> fingerprints = new TreeMap<>();
        all.forEach(n -> fingerprints.put(n, "fp"));
        return new Observed(topology(spec, all), nodes, engine, Set.copyOf(DesiredNodes.aggregators(spec)), fingerprints, previous, NOW);
    }
}

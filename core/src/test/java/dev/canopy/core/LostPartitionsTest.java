package dev.canopy.core;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.canopy.core.TestClusters.AG1_1;
import static dev.canopy.core.TestClusters.LEAF_NAMES;
import static dev.canopy.core.TestClusters.merge;
import static dev.canopy.core.TestClusters.names;
import static dev.canopy.core.TestClusters.observed;
import static dev.canopy.core.TestClusters.running;
import static dev.canopy.core.TestClusters.all;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partitions with no owning copy are never left standing silently: the loss is reset only when every owner is back
 * with its storage (nothing is lost by it); otherwise the cluster says which tables are unavailable and why.
 */
class LostPartitionsTest {
    private static final DatabaseClusterSpec SPEC = TestClusters.spec();
    private static final Map<String, Integer> LOST = Map.of("PUBLIC.ORDERS", 12, "PUBLIC.ITEMS", 3);

    private static EngineView lost(Set<String> servers, Set<String> baseline) {
        Set<String> clients = names(DesiredNodes.aggregators(SPEC));
        return new EngineView(true, true, servers, clients, baseline, 15, Map.of(), LOST, "15 LOST on leaf-ag1-0");
    }

    @Test
    void everyOwnerBackWithItsStorageResetsTheLoss() {
        List<NodeId> all = DesiredNodes.all(SPEC);
        Step step = Planner.next(observed(SPEC, running(all), lost(LEAF_NAMES, LEAF_NAMES), true));
        assertThat(step).isEqualTo(new Step.ResetLostPartitions("ResettingLostPartitions", "3 partitions of PUBLIC.ITEMS,"
                + " 12 of PUBLIC.ORDERS have no copy in the cluster, but every leaf of the baseline is back with its storage:"
                + " declaring their copies owned again (no row is lost by it)"));
    }

    @Test
    void anOwnerOfflineBlocksNamingItAndTheTables() {
        // leaf-ag1-2 was in the baseline: the spec no longer has it (made smaller), so nothing will start it by itself
        Set<String> baseline = new HashSet<>(LEAF_NAMES);
        baseline.add("leaf-ag1-2");
        Step step = Planner.next(observed(SPEC, running(DesiredNodes.all(SPEC)), lost(LEAF_NAMES, baseline), true));
        assertThat(step).isInstanceOf(Step.Blocked.class);
        assertThat(step.reason()).isEqualTo("PartitionsLost");
        assertThat(step.message()).isEqualTo("3 partitions of PUBLIC.ITEMS, 12 of PUBLIC.ORDERS have no copy in the cluster:"
                + " their copies are on leaf-ag1-2, which is offline. Bring it back (restore leaves.count if the cluster was made"
                + " smaller); their rows are read again once it is in the cluster");
    }

    @Test
    void anOwnerNoLongerDeclaredButWithItsStorageIsStartedAgain() {
        // a scale-in stopped leaf-ag1-2 to move its partitions off it; a crash elsewhere left some with it alone
        Set<String> baseline = new HashSet<>(LEAF_NAMES);
        baseline.add("leaf-ag1-2");
        Map<NodeId, NodeState> states = new java.util.TreeMap<>(running(DesiredNodes.all(SPEC)));
        states.put(NodeId.leaf(1, 2), NodeState.STOPPED);
        Step step = Planner.next(observed(SPEC, states, lost(LEAF_NAMES, baseline), true));
        assertThat(step).isEqualTo(new Step.StartNodes(List.of(NodeId.leaf(1, 2)), "PartitionsLost", "3 partitions of"
                + " PUBLIC.ITEMS, 12 of PUBLIC.ORDERS have no copy in the cluster: starting leaf-ag1-2, which holds copies of"
                + " them; no longer declared, it is removed again once every partition has its copies"));

        states.put(NodeId.leaf(1, 2), NodeState.RUNNING);
        Step next = Planner.next(observed(SPEC, states, lost(LEAF_NAMES, baseline), true));
        assertThat(next).isInstanceOf(Step.Wait.class);
        assertThat(next.message()).endsWith("waiting for leaf-ag1-2, which holds their copies, to join");
    }

    @Test
    void aLeafWhoseStorageIsGoneIsNeverResetOver() {
        Map<NodeId, NodeState> states = merge(running(DesiredNodes.all(SPEC)), all(List.of(AG1_1), NodeState.STORAGE_LOST));
        Set<String> servers = new HashSet<>(LEAF_NAMES);
        Step step = Planner.next(observed(SPEC, states, lost(servers, LEAF_NAMES), true));
        assertThat(step).isInstanceOf(Step.Blocked.class);
        assertThat(step.message()).contains("the storage of leaf-ag1-1 is gone").contains("Restore the cluster from a backup");
    }

    @Test
    void theStatusSaysTheDataIsUnavailableAndTheClusterIsDegraded() {
        List<NodeId> all = DesiredNodes.all(SPEC);
        Observed observed = observed(SPEC, running(all), lost(LEAF_NAMES, LEAF_NAMES), true);
        DatabaseClusterStatus ready = StatusBuilder.build(null, 1, TestClusters.healthy(SPEC), new Step.Done("Ready", "ready"),
                Instant.parse("2026-12-06T10:00:00Z"));
        Step step = Planner.next(observed);
        DatabaseClusterStatus status = StatusBuilder.build(ready, 1, observed, step, Instant.parse("2026-12-06T10:01:00Z"));
        assertThat(status.phase()).isEqualTo(Phase.Degraded);
        assertThat(status.condition(Condition.DATA_AVAILABLE)).hasValueSatisfying(c -> {
            assertThat(c.status()).isEqualTo(Condition.FALSE);
            assertThat(c.reason()).isEqualTo("PartitionsLost");
            assertThat(c.message()).startsWith("3 partitions of PUBLIC.ITEMS, 12 of PUBLIC.ORDERS have no copy");
        });

        DatabaseClusterStatus healed = StatusBuilder.build(status, 1, TestClusters.healthy(SPEC), new Step.Done("Ready", "ready"),
                Instant.parse("2026-12-06T10:02:00Z"));
        assertThat(healed.condition(Condition.DATA_AVAILABLE)).hasValueSatisfying(c -> assertThat(c.status()).isEqualTo(Condition.TRUE));
        assertThat(ready.condition(Condition.DATA_AVAILABLE)).as("not said before any loss").isEmpty();
    }
}

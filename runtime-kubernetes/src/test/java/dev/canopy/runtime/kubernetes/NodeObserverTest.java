package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodeId;
import dev.canopy.core.NodeObservation;
import dev.canopy.core.NodeState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NodeObserverTest {
    private final OwnedCluster cluster = TestClusters.orders();

    private StatefulSet leaves(int replicas, NodeLaunches launches) {
        return NodeStatefulSet.build(new NodeStatefulSet.Input(cluster, NodeGroup.LEAVES_AG1, replicas, launches, "2.17.0",
                List.of()), RuntimeSettings.defaults());
    }

    /** A pod whose node container runs, or waits for the given reason. */
    private static Pod pod(String name, String launches, boolean ready, int restarts, String waiting) {
        ContainerStateBuilder state = new ContainerStateBuilder();
        if (waiting == null) {
            state.withNewRunning().endRunning();
        } else {
            state.withNewWaiting().withReason(waiting).endWaiting();
        }
        return new PodBuilder().withNewMetadata().withName(name).withAnnotations(Map.of(NodeLaunches.ANNOTATION, launches))
                .endMetadata().withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .withContainerStatuses(new ContainerStatusBuilder().withName("node").withReady(ready).withRestartCount(restarts)
                        .withState(state.build()).withNewLastState().withNewTerminated().withExitCode(1).withReason("Error")
                        .endTerminated().endLastState().build())
                .endStatus().build();
    }

    private static PersistentVolumeClaim claim(String name, String phase) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewStatus().withPhase(phase).endStatus().build();
    }

    private List<NodeObservation> observe(StatefulSet set, List<Pod> pods, List<PersistentVolumeClaim> claims) {
        return NodeObserver.observe("orders", List.of(set), pods, claims);
    }

    @Test
    void aRunningPodReportsTheLaunchItWasMadeWith() {
        NodeLaunches template = NodeLaunches.parse("leaf-ag1-0=2.17.0/new");
        List<NodeObservation> seen = observe(leaves(1, template),
                List.of(pod("orders-leaves-ag1-0", "leaf-ag1-0=2.16.0/old", true, 0, null)),
                List.of(claim("data-orders-leaves-ag1-0", "Bound")));
        assertThat(seen).containsExactly(new NodeObservation(NodeId.leaf(1, 0), NodeState.RUNNING, "2.16.0", "old", 0));
    }

    /** Clients reach a node through a Service once its pod is Ready, a probe period after it runs. */
    @Test
    void aRunningPodIsRoutedOnceReady() {
        Pod ready = pod("orders-leaves-ag1-0", "", true, 0, null);
        List<NodeObservation> seen = observe(leaves(2, NodeLaunches.parse(null)),
                List.of(ready, pod("orders-leaves-ag1-1", "", false, 0, null)),
                List.of(claim("data-orders-leaves-ag1-0", "Bound"), claim("data-orders-leaves-ag1-1", "Bound")));
        assertThat(seen).extracting(NodeObservation::state).containsOnly(NodeState.RUNNING);
        assertThat(seen).extracting(NodeObservation::routed).containsExactly(true, false);
    }

    /** A pod that never ran is not up: the status said "every node is up" of a cluster with no pod running. */
    @Test
    void aPodTheStatefulSetIsStillCreatingIsPendingWithWhatTheTemplateSays() {
        List<NodeObservation> seen = observe(leaves(1, NodeLaunches.parse("leaf-ag1-0=2.17.0/new")), List.of(), List.of());
        assertThat(seen).containsExactly(new NodeObservation(NodeId.leaf(1, 0), NodeState.PENDING, "2.17.0", "new", 0,
                "its pod is not made yet"));
    }

    @Test
    void aPodTheSchedulerCannotPlaceIsPendingWithTheSchedulersReason() {
        Pod unschedulable = new PodBuilder().withNewMetadata().withName("orders-leaves-ag1-0")
                .withAnnotations(Map.of(NodeLaunches.ANNOTATION, "leaf-ag1-0=2.17.0/new")).endMetadata()
                .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/1 nodes are available: 1 Insufficient cpu.\n  preemption: 0/1 nodes")
                .endCondition().endStatus().build();
        List<NodeObservation> seen = observe(leaves(1, NodeLaunches.parse("leaf-ag1-0=2.17.0/new")), List.of(unschedulable),
                List.of(claim("data-orders-leaves-ag1-0", "Pending")));
        assertThat(seen).containsExactly(new NodeObservation(NodeId.leaf(1, 0), NodeState.PENDING, "2.17.0", "new", 0,
                "not scheduled: 0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes"));
    }

    @Test
    void aPodWhoseImageCannotBePulledIsPendingSayingSo() {
        List<NodeObservation> seen = observe(leaves(1, NodeLaunches.parse(null)),
                List.of(pod("orders-leaves-ag1-0", "", false, 0, "ImagePullBackOff")),
                List.of(claim("data-orders-leaves-ag1-0", "Bound")));
        assertThat(seen).extracting(NodeObservation::state, NodeObservation::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(NodeState.PENDING, "ImagePullBackOff"));
    }

    @Test
    void aCrashLoopingPodIsRestartingAndAReadyOneThatOnceCrashedIsRunning() {
        List<NodeObservation> seen = observe(leaves(2, NodeLaunches.parse(null)),
                List.of(pod("orders-leaves-ag1-0", "", false, 3, "CrashLoopBackOff"),
                        pod("orders-leaves-ag1-1", "", true, 1, null)),
                List.of(claim("data-orders-leaves-ag1-0", "Bound"), claim("data-orders-leaves-ag1-1", "Bound")));
        assertThat(seen).extracting(NodeObservation::state).containsExactly(NodeState.RESTARTING, NodeState.RUNNING);
        assertThat(seen).extracting(NodeObservation::restarts).containsExactly(3, 1);
        assertThat(seen.get(0).detail()).isEqualTo("last exit code 1 (Error)");
    }

    @Test
    void aLeafBeyondTheReplicasWithItsClaimIsStoppedAndWithoutOneIsGone() {
        List<NodeObservation> seen = observe(leaves(1, NodeLaunches.parse(null)),
                List.of(pod("orders-leaves-ag1-0", "", true, 0, null)),
                List.of(claim("data-orders-leaves-ag1-0", "Bound"), claim("data-orders-leaves-ag1-2", "Bound")));
        assertThat(seen).extracting(NodeObservation::node).containsExactly(NodeId.leaf(1, 0), NodeId.leaf(1, 2));
        assertThat(seen.get(1).state()).isEqualTo(NodeState.STOPPED);
    }

    /** A deleted claim waits for its protection finalizer on a real server: the leaf it belonged to is gone already. */
    @Test
    void aClaimBeingDeletedIsGone() {
        PersistentVolumeClaim deleting = claim("data-orders-leaves-ag1-1", "Bound");
        deleting.getMetadata().setDeletionTimestamp("2026-12-06T19:02:17Z");
        List<NodeObservation> seen = observe(leaves(1, NodeLaunches.parse(null)),
                List.of(pod("orders-leaves-ag1-0", "", true, 0, null)),
                List.of(claim("data-orders-leaves-ag1-0", "Bound"), deleting));
        assertThat(seen).extracting(NodeObservation::node).containsExactly(NodeId.leaf(1, 0));
    }

    @Test
    void aLeafPodWhoseClaimIsMissingOrLostHasLostItsStorage() {
        List<NodeObservation> seen = observe(leaves(2, NodeLaunches.parse(null)),
                List.of(pod("orders-leaves-ag1-0", "", false, 0, null), pod("orders-leaves-ag1-1", "", true, 0, null)),
                List.of(claim("data-orders-leaves-ag1-1", "Lost")));
        assertThat(seen).extracting(NodeObservation::state).containsExactly(NodeState.STORAGE_LOST, NodeState.STORAGE_LOST);
    }

    @Test
    void namesOfOtherGroupsOrLongerPrefixesAreNotMistakenForOrdinals() {
        assertThat(NodeObserver.ordinal("orders-leaves-ag1-", "orders-leaves-ag1-12")).hasValue(12);
        assertThat(NodeObserver.ordinal("orders-leaves-ag1-", "orders-leaves-ag1-x-1")).isEmpty();
        assertThat(NodeObserver.ordinal("orders-aggregators-", "orders-leaves-ag1-1")).isEmpty();
    }
}

package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LeafStorageTest {
    private final OwnedCluster cluster = TestClusters.orders();

    private StatefulSet built(NodeGroup group) {
        return NodeStatefulSet.build(new NodeStatefulSet.Input(cluster, group, 1, NodeLaunches.parse(null), "2.17.0", List.of()),
                RuntimeSettings.defaults());
    }

    @Test
    void growsOnlyWhenTheSpecAsksForMoreThanTheTemplateHas() {
        StatefulSet leaves = built(NodeGroup.LEAVES_AG1);
        assertThat(LeafStorage.growTo(leaves, cluster)).isEmpty();
        assertThat(LeafStorage.growTo(leaves, TestClusters.withStorage(cluster, 40))).contains(new Quantity("40Gi"));
        assertThat(LeafStorage.growTo(leaves, TestClusters.withStorage(cluster, 5))).as("volumes cannot shrink").isEmpty();
        assertThat(LeafStorage.growTo(built(NodeGroup.AGGREGATORS), TestClusters.withStorage(cluster, 40))).isEmpty();
        assertThat(LeafStorage.growTo(null, TestClusters.withStorage(cluster, 40))).isEmpty();
    }

    private static PersistentVolumeClaim claim(String name, String size, String phase) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withNewResources().addToRequests("storage", new Quantity(size)).endResources().endSpec()
                .withNewStatus().withPhase(phase).endStatus().build();
    }

    /** The API server refuses any change of an unbound claim's request (422): those wait until they are bound. */
    @Test
    void onlyBoundClaimsGrowTheOthersWait() {
        LeafStorage.Growth growth = LeafStorage.plan(List.of(claim("data-a-0", "10Gi", "Bound"), claim("data-a-1", "10Gi", "Pending"),
                claim("data-a-2", "40Gi", "Bound"), claim("data-a-3", "10Gi", null)), new Quantity("40Gi"));
        assertThat(growth.toGrow()).containsExactly("data-a-0");
        assertThat(growth.waiting()).containsExactly("data-a-1 (Pending)", "data-a-3 (no phase yet)");
    }

    @Test
    void theReportIsOneReadableLine() {
        LeafStorage.Report report = new LeafStorage.Report("40Gi", List.of(), List.of("data-a-1 (Pending)"), List.of());
        assertThat(report.complete()).isFalse();
        assertThat(report.summary()).isEqualTo("data-a-1 (Pending) not bound yet: grows to 40Gi once bound");
        assertThat(LeafStorage.Report.none("40Gi").summary()).isEqualTo("every leaf's volume asks for 40Gi");
    }
}

package dev.canopy.operator;

import dev.canopy.runtime.kubernetes.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PodToClusterMappingTest {

    private static Pod pod(Map<String, String> labels) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("db").withLabels(labels).endMetadata().build();
    }

    @Test
    void aPodOfTheSecondDeploymentStartsAPassOfItsCluster() {
        assertThat(DatabaseClusterReconciler.clustersOf(pod(Map.of(Labels.INSTANCE, "orders"))))
                .containsExactly(new ResourceID("orders", "db"));
        assertThat(DatabaseClusterReconciler.clustersOf(pod(Map.of(Labels.INSTANCE, "orders-b"))))
                .as("green of orders, or a cluster named orders-b").containsExactlyInAnyOrder(new ResourceID("orders", "db"),
                        new ResourceID("orders-b", "db"));
        assertThat(DatabaseClusterReconciler.clustersOf(pod(Map.of()))).isEmpty();
    }
}

package dev.canopy.runtime.kubernetes;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LeafStorageTest {
    private final OwnedCluster cluster = TestClusters.orders();

    private static OwnedCluster withStorage(OwnedCluster cluster, int gb) {
        DatabaseClusterSpec s = cluster.spec();
        return new OwnedCluster(cluster.namespace(), cluster.name(), cluster.uid(), new DatabaseClusterSpec(s.release(),
                s.redundancyLevel(), s.aggregators(), new LeavesSpec(s.leaves().count(), s.leaves().height(), gb,
                s.leaves().storageClass()), s.config(), s.suspended()), false);
    }

    private StatefulSet built(NodeGroup group) {
        return NodeStatefulSet.build(new NodeStatefulSet.Input(cluster, group, 1, NodeLaunches.parse(null), "2.17.0", List.of()),
                RuntimeSettings.defaults());
    }

    @Test
    void growsOnlyWhenTheSpecAsksForMoreThanTheTemplateHas() {
        StatefulSet leaves = built(NodeGroup.LEAVES_AG1);
        assertThat(LeafStorage.growTo(leaves, cluster)).isEmpty();
        assertThat(LeafStorage.growTo(leaves, withStorage(cluster, 40))).contains(new Quantity("40Gi"));
        assertThat(LeafStorage.growTo(leaves, withStorage(cluster, 5))).as("volumes cannot shrink").isEmpty();
        assertThat(LeafStorage.growTo(built(NodeGroup.AGGREGATORS), withStorage(cluster, 40))).isEmpty();
        assertThat(LeafStorage.growTo(null, withStorage(cluster, 40))).isEmpty();
    }
}

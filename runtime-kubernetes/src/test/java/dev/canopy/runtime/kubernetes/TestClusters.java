package dev.canopy.runtime.kubernetes;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodeLaunch;

import java.util.List;
import java.util.Map;

final class TestClusters {
    static final String NAMESPACE = "db";

    private TestClusters() {
    }

    static OwnedCluster orders() {
        return new OwnedCluster(NAMESPACE, "orders", "uid-1",
                new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(2, 0.5), new LeavesSpec(2, 1.0, 20, "fast"), Map.of(), false),
                false);
    }

    /** The same cluster with leaves of another storage size. */
    static OwnedCluster withStorage(OwnedCluster cluster, int gb) {
        DatabaseClusterSpec s = cluster.spec();
        return new OwnedCluster(cluster.namespace(), cluster.name(), cluster.uid(), new DatabaseClusterSpec(s.release(),
                s.redundancyLevel(), s.aggregators(), new LeavesSpec(s.leaves().count(), s.leaves().height(), gb,
                s.leaves().storageClass()), s.config(), s.suspended()), false);
    }

    static NodeLaunch launch(NodeId node, String fingerprint) {
        return new NodeLaunch("2.17.0", List.of("-Xmx2048m", "--sun-misc-unsafe-memory-access=allow"),
                Map.of("node.xml", "<beans><!-- " + node + " --></beans>"), List.of("node.xml"), fingerprint);
    }
}

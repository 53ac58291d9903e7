package dev.canopy.engine.ignite;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Topology;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Topologies for nodes started in a test's JVM: free ports on the loopback address, work directories in {@code dir}. */
final class TestTopologies {
    private TestTopologies() {
    }

    /** One aggregator and one leaf (redundancy 1) on 2.17.0. */
    static Topology smallest(String cluster, Path dir) {
        DatabaseClusterSpec spec = new DatabaseClusterSpec("2.17.0", 1, new AggregatorsSpec(1, 0.25),
                new LeavesSpec(1, 0.25, 1, null), Map.of(), false);
        Map<NodeId, NodePlacement> placements = new HashMap<>();
        for (NodeId node : DesiredNodes.all(spec)) {
            placements.put(node, new NodePlacement(node, "127.0.0.1", freePort(), freePort(), freePort(),
                    dir.resolve(node.name()).toString()));
        }
        return new Topology(cluster, spec, placements);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}

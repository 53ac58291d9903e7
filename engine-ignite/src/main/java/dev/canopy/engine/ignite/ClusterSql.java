package dev.canopy.engine.ignite;

import dev.canopy.core.NodePlacement;
import dev.canopy.core.Topology;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/** JDBC connections to a cluster, for the switchover's copies and digests. */
final class ClusterSql {
    /**
     * Rows fetched per round trip, and what a lazy query holds in memory at a time: a table is streamed, never read
     * whole.
     */
    static final int PAGE = 1_000;

    private ClusterSql() {
    }

    /**
     * Through the aggregators (the query routers clients use), or the leaves when a cluster has none. {@code lazy}
     * makes the server read a result page by page as the client fetches it, instead of gathering it whole first.
     */
    static Connection open(Topology cluster, AdminLogins logins) throws SQLException {
        List<NodePlacement> nodes = cluster.aggregators().isEmpty() ? cluster.leaves() : cluster.aggregators();
        if (nodes.isEmpty()) {
            throw new IllegalStateException(cluster.cluster() + " has no node to connect to");
        }
        return DriverManager.getConnection(Topology.jdbcUrl(nodes.stream().map(NodePlacement::sqlAddress).toList()) + "?lazy=true",
                logins.of(cluster).jdbcProperties());
    }
}

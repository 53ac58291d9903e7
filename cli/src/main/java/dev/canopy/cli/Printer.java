package dev.canopy.cli;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.region.local.StoredCluster;

/** Human-readable views of clusters. */
final class Printer {
    /** Ignite's thin JDBC driver fails to load on Java 17+ without the engine's JVM options: where users find them. */
    static final String JDBC_CLIENT_HINT = "(a client on Java 17+ needs Ignite's JVM options: docs/using.md#connect-your-own-client)";

    private Printer() {
    }

    static String summary(StoredCluster cluster) {
        DatabaseClusterSpec spec = cluster.spec();
        if (spec == null) {
            return "unreadable: " + cluster.damage();
        }
        return spec.aggregators().count() + " aggregator(s), " + spec.leaves().count() + " leaves per availability group, redundancy "
                + spec.redundancyLevel() + ", release " + spec.release() + (spec.isSuspended() ? ", suspended" : "");
    }
}

package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.region.local.StoredCluster;

import java.util.Optional;

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

    /** An upgrade's progress in one line, from the status's {@code upgrade}; empty when there is none. */
    static Optional<String> upgrade(JsonNode u) {
        if (!u.isObject()) {
            return Optional.empty();
        }
        // a blue/green upgrade restarts no node: its step and write pause say how far it is
        String progress = u.hasNonNull("nodesToRestart")
                ? u.path("nodesRestarted").asInt() + " of " + u.path("nodesToRestart").asInt() + " nodes restarted"
                : "step " + u.path("step").asText() + (u.hasNonNull("writePauseSeconds") ? ", writes paused "
                + u.path("writePauseSeconds").asDouble() + " s" : "");
        double offline = u.path("offlineSeconds").asDouble(0);
        String when = !u.hasNonNull("finishedAt") ? "since " + u.path("startedAt").asText()
                : "finished " + u.path("finishedAt").asText() + (offline > 0 ? ", offline " + offline + " s" : ", online throughout");
        return Optional.of(u.path("fromRelease").asText() + " -> " + u.path("toRelease").asText() + ", "
                + u.path("strategy").asText() + ", " + progress + ", " + when);
    }
}

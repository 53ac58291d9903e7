package dev.canopy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.canopy.api.Condition;
import dev.canopy.api.ClusterManifest;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.region.local.StoredCluster;

import java.io.PrintStream;
import java.util.List;

/** Human-readable and machine-readable views of clusters. */
final class Printer {
    /** Ignite's thin JDBC driver fails to load on Java 17+ without the engine's JVM options: where users find them. */
    static final String JDBC_CLIENT_HINT = "(a client on Java 17+ needs Ignite's JVM options: docs/using.md#connect-your-own-client)";

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final ObjectMapper YAML = new YAMLMapper();

    private Printer() {
    }

    enum Format { text, json, yaml }

    static String summary(StoredCluster cluster) {
        DatabaseClusterSpec spec = cluster.spec();
        if (spec == null) {
            return "unreadable: " + cluster.damage();
        }
        return spec.aggregators().count() + " aggregator(s), " + spec.leaves().count() + " leaves per availability group, redundancy "
                + spec.redundancyLevel() + ", release " + spec.release() + (spec.isSuspended() ? ", suspended" : "");
    }

    static void table(PrintStream out, List<StoredCluster> clusters, boolean platformRunning) {
        String format = "%-20s %-13s %-12s %-8s %-11s %-8s%n";
        out.printf(format, "NAME", "PHASE", "AGGREGATORS", "LEAVES", "REDUNDANCY", "RELEASE");
        for (StoredCluster c : clusters) {
            DatabaseClusterStatus s = c.status();
            String phase = c.deleting() ? "Deleting" : s == null || s.phase() == null ? "Pending" : s.phase().name();
            if (!platformRunning && s != null && s.phase() != null && s.phase() != dev.canopy.api.Phase.Suspended) {
                // the status is the last one written: with no platform, no node of this cluster runs now
                phase = "Stopped";
            }
            if (c.spec() == null) {
                // the manifest is the damaged file: nothing of the spec to show, the phase says why
                out.printf(format, c.name(), phase, "?", "?", "?", "?");
                continue;
            }
            String aggregators = s == null || s.aggregators() == null ? "0/" + c.spec().aggregators().count()
                    : s.aggregators().ready() + "/" + s.aggregators().total();
            String leaves = s == null || s.leaves() == null ? "0/" + c.spec().leaves().count() * 2 : s.leaves().ready() + "/" + s.leaves().total();
            out.printf(format, c.name(), phase, aggregators, leaves, c.spec().redundancyLevel(), c.spec().release());
        }
    }

    static void details(PrintStream out, StoredCluster c, boolean platformRunning) {
        DatabaseClusterStatus s = c.status();
        out.printf("Name:          %s%n", c.name());
        out.printf("Phase:         %s%s%n", c.deleting() ? "Deleting" : s == null || s.phase() == null ? "Pending" : s.phase(),
                platformRunning ? "" : "   (last known; the platform is not running, so no node runs: start it with ./canopy up)");
        out.printf("Generation:    %d (observed %s)%n", c.generation(), s == null || s.observedGeneration() == null ? "none" : s.observedGeneration());
        out.printf("Spec:          %s%n", summary(c));
        if (s != null) {
            if (s.aggregators() != null) {
                out.printf("Aggregators:   %d/%d ready%n", s.aggregators().ready(), s.aggregators().total());
            }
            if (s.leaves() != null) {
                out.printf("Leaves:        %d/%d ready%n", s.leaves().ready(), s.leaves().total());
            }
            out.printf("Release:       %s%n", s.release() == null ? "none yet" : s.release());
            if (s.endpoints() != null) {
                out.printf("JDBC URL:      %s%n", s.endpoints().jdbcUrl());
                out.printf("               %s%n", JDBC_CLIENT_HINT);
                out.printf("Aggregators:   %s%n", String.join(", ", s.endpoints().aggregators()));
            }
            if (s.upgrade() != null) {
                var u = s.upgrade();
                // a blue/green upgrade restarts no node: its step and write pause say how far it is
                String progress = u.nodesToRestart() != null
                        ? u.nodesRestarted() + " of " + u.nodesToRestart() + " nodes restarted"
                        : "step " + u.step() + (u.writePauseSeconds() != null ? ", writes paused " + u.writePauseSeconds() + " s" : "");
                out.printf("Upgrade:       %s -> %s, %s, %s, %s%n", u.fromRelease(), u.toRelease(), u.strategy(), progress,
                        u.inProgress() ? "since " + u.startedAt()
                                : "finished " + u.finishedAt() + (u.offlineSeconds() != null && u.offlineSeconds() > 0
                                ? ", offline " + u.offlineSeconds() + " s" : ", online throughout"));
            }
            out.println("Conditions:");
            String format = "  %-14s %-8s %-24s %s%n";
            out.printf(format, "TYPE", "STATUS", "REASON", "MESSAGE");
            for (Condition cond : s.conditions()) {
                out.printf(format, cond.type(), cond.status(), cond.reason(), cond.message());
            }
        }
    }

    static String document(StoredCluster c, Format format) {
        ObjectNode root;
        if (c.spec() == null) {
            root = JSON.createObjectNode();
            root.putObject("metadata").put("name", c.name()).put("damage", c.damage());
        } else {
            root = new ClusterManifest(c.name(), c.spec()).toTree();
        }
        ((ObjectNode) root.get("metadata")).put("generation", c.generation());
        if (c.status() != null) {
            root.set("status", JSON.valueToTree(c.status()));
        }
        try {
            return format == Format.yaml ? YAML.writeValueAsString(root) : JSON.writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException("cannot print " + c.name(), e);
        }
    }
}

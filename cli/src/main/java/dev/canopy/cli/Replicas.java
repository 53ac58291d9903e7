package dev.canopy.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.api.ReplicationStatus;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Replica clusters on the command line: {@code --replica-of}, the replication line, and following a promotion. */
final class Replicas {
    private static final ObjectMapper STATUS = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private Replicas() {
    }

    /** {@code [REGION/]CLUSTER} as the API's replicaOf; without a region, the API takes the new cluster's. */
    static Map<String, Object> replicaOf(String value) {
        Map<String, Object> source = new LinkedHashMap<>();
        int slash = value.indexOf('/');
        if (slash >= 0) {
            source.put("region", value.substring(0, slash));
        }
        source.put("cluster", value.substring(slash + 1));
        return source;
    }

    /**
     * What the cluster's feed does, in one line, or empty for a cluster that is no replica: the source, its state and
     * lag; once promoted, when and with which lag. A spec naming a source the region has not yet reported on says so.
     */
    static Optional<String> line(JsonNode cluster) {
        JsonNode replication = cluster.path("status").path("replication");
        if (replication.isObject()) {
            String source = replication.path("source").asText();
            if (replication.hasNonNull("promotedAt")) {
                return Optional.of("promoted at " + replication.path("promotedAt").asText() + " from " + source
                        + (replication.hasNonNull("lagAtPromotionSeconds")
                        ? ", lag at promotion " + replication.path("lagAtPromotionSeconds").asText() + " s" : "")
                        + (replication.path("sourceFenced").asBoolean() ? ", source fenced" : ", source not fenced"));
            }
            String state = replication.path("state").asText();
            // the region's state says the lag itself while streaming; said once
            boolean saysLag = state.matches("(?s).*\\blag .*");
            return Optional.of("replica of " + source + ": " + state + (replication.hasNonNull("lagSeconds") && !saysLag
                    ? ", lag " + replication.path("lagSeconds").asText() + " s" : ""));
        }
        JsonNode of = cluster.path("spec").path("replicaOf");
        if (of.isObject()) {
            return Optional.of("replica of " + of.path("region").asText("?") + "/" + of.path("cluster").asText()
                    + ": not reported by the region yet");
        }
        return Optional.empty();
    }

    /**
     * Prints the replica's progress (phase, Progressing, the replication's state) until the region says it is
     * promoted (0), it fails or cannot be read (1), or the timeout passes (1).
     */
    static int followPromotion(ApiClient api, String name, Duration timeout) {
        Progress progress = new Progress(System.out);
        DatabaseClusterStatus[] last = {null};
        return Waits.until(timeout, () -> {
            DatabaseClusterStatus now;
            try {
                JsonNode status = api.call("GET", "/clusters/" + name, null).path("status");
                now = status.isObject() ? STATUS.treeToValue(status, DatabaseClusterStatus.class) : null;
            } catch (ApiClient.Failure | java.io.IOException e) {
                System.err.println("canopy: cannot follow " + name + ": " + e.getMessage());
                return Optional.of(1);
            }
            if (now == null) {
                return Optional.empty();
            }
            if (!now.equals(last[0])) {
                progress.statusChanged(name, last[0], now);
                ReplicationStatus was = last[0] == null ? null : last[0].replication();
                ReplicationStatus is = now.replication();
                if (is != null && (was == null || !Objects.equals(was.state(), is.state()))) {
                    progress.line(name, is.state());
                }
                last[0] = now;
            }
            ReplicationStatus replication = now.replication();
            if (replication != null && replication.promotedAt() != null) {
                System.out.println("cluster " + name + " promoted at " + replication.promotedAt()
                        + (replication.lagAtPromotionSeconds() == null ? "" : ", lag at promotion " + replication.lagAtPromotionSeconds() + " s")
                        + (Boolean.TRUE.equals(replication.sourceFenced()) ? ", source fenced"
                        : ", source not fenced: writes to it in that last lag may be missing"));
                return Optional.of(0);
            }
            if (now.phase() == Phase.Failed) {
                System.err.println("canopy: cluster " + name + " failed: " + Progress.progressMessage(now));
                return Optional.of(1);
            }
            return Optional.empty();
        }, "canopy: cluster " + name + " is not promoted after " + timeout.toSeconds() + " s; `./canopy clusters get "
                + name + "` shows where it is");
    }
}

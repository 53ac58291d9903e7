package dev.canopy.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.StreamSupport;

import static dev.canopy.controlplane.EndToEndLocalRegionProcessesTest.json;
import static dev.canopy.controlplane.EndToEndLocalRegionProcessesTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The autoscaler on real node processes, through the platform as it runs: a cluster no one sends a statement to is
 * suspended once its {@code suspendAfterIdle} has passed, by the autoscaler, which says so in the audit log and the
 * cluster's events; meanwhile the region reports what each leaf's storage takes.
 */
class AutoscalingLocalProcessesTest {
    @Test
    void anIdleClusterIsSuspendedByTheAutoscaler(@TempDir Path dataDir) throws Exception {
        try (LocalPlatform platform = new LocalPlatform(dataDir, Duration.ofSeconds(1))) {
            String base = platform.base + "/clusters";
            String key = platform.key;
            HttpResponse<String> created = send(key, "POST", base, """
                    {"name": "idle", "release": "2.17.0", "redundancyLevel": 2,
                     "aggregators": {"count": 1, "height": 0.25}, "leaves": {"count": 1, "height": 0.25, "storageGB": 1},
                     "autoscaling": {"suspendAfterIdle": "60s"}}""");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            await("idle Ready").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> json(send(key, "GET", base + "/idle", null)).path("phase").asText(), "Ready"::equals);

            // measured every 10 s by the runtime, reported by the region in the status
            JsonNode used = await("each leaf's storage in the status").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> json(send(key, "GET", base + "/idle", null)).path("status").path("leaves")
                            .path("storageUsedBytes"), u -> u.size() == 2);
            assertThat(used.fieldNames()).toIterable().containsExactlyInAnyOrder("leaf-ag1-0", "leaf-ag2-0");
            used.elements().forEachRemaining(bytes -> assertThat(bytes.asLong()).isPositive());

            // 60 s from the first sample that found it running, then a few for the nodes to stop
            await("idle Suspended by the autoscaler").atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> json(send(key, "GET", base + "/idle", null)).path("phase").asText(), "Suspended"::equals);
            // followed to its end like a user's change
            JsonNode suspend = await("the autoscaler's suspend succeeded").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> StreamSupport.stream(json(send(key, "GET", platform.base + "/operations", null)).path("items")
                                    .spliterator(), false).filter(o -> o.path("actor").asText().equals("autoscaler")).findFirst()
                                    .orElse(null),
                            o -> o != null && o.path("outcome").asText().equals("succeeded"));
            assertThat(suspend.path("action").asText()).isEqualTo("suspend");
            assertThat(suspend.path("request").asText()).contains("suspended: no statement for").contains("≥ 60 s");
            JsonNode events = json(send(key, "GET", base + "/idle/events", null)).path("items");
            assertThat(events).extracting(e -> e.path("reason").asText()).contains("SuspendedIdle");

            assertThat(send(key, "DELETE", base + "/idle", null).statusCode()).isEqualTo(202);
            await("idle gone from the region").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> platform.store.get("default-idle").isEmpty());
        }
    }
}

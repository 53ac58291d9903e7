package dev.canopy.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.controlplane.region.FakeRegion;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The telemetry route and series against a region in memory, with a SQL endpoint nothing listens on. */
class ClusterMetricsApiTest {
    private static final String ORDERS = """
            {"name": "orders", "region": "local", "release": "2.17.0", "redundancyLevel": 2,
             "aggregators": {"count": 1, "height": 0.5}, "leaves": {"count": 2, "height": 0.5, "storageGB": 10}}""";

    @Test
    void anUnreachableClusterIsSampledFromItsStatusServedToItsOrganizationOnlyAndExposedForPrometheus() throws Exception {
        FakeRegion region = new FakeRegion("local", List.of("2.17.0"));
        try (ApiFixture api = new ApiFixture(region)) {
            assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
            region.writeStatus("default-orders", new DatabaseClusterStatus(Phase.Ready,
                    List.of(new Condition(Condition.BALANCED, Condition.TRUE, "Balanced", "", null)), 1L,
                    new NodeCounts(1, 1), new NodeCounts(4, 4), "2.17.0",
                    new Endpoints("jdbc:ignite:thin://127.0.0.1:" + closedPort(), List.of()), null));

            JsonNode latest = await("a sample of the Ready status").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> last(api.admin.get("/api/v1/clusters/orders/metrics").json()),
                            s -> s != null && s.path("phase").asText().equals("Ready") && s.has("error"));
            assertThat(latest.path("nodesUp").asInt()).isEqualTo(5);
            assertThat(latest.path("balanced").asBoolean()).isTrue();
            assertThat(latest.path("reachable").asBoolean()).isFalse();
            assertThat(latest.path("error").asText()).startsWith("engine unreachable");

            String scrape = api.scraper().get("/metrics").body();
            assertThat(scrape).contains("canopy_cluster_nodes_up{cluster=\"orders\",organization=\"default\"} 5.0")
                    .contains("canopy_cluster_reachable{cluster=\"orders\",organization=\"default\"} 0.0");

            ApiClient acme = api.admin.withKey(api.admin.post("/api/v1/organizations", "{\"name\": \"acme\"}")
                    .json().path("adminKey").path("secret").asText());
            assertThat(acme.get("/api/v1/clusters/orders/metrics").status()).isEqualTo(404);
            assertThat(api.anonymous().get("/api/v1/clusters/orders/metrics").status()).isEqualTo(401);
        }
    }

    private static JsonNode last(JsonNode metrics) {
        JsonNode items = metrics.path("items");
        return items.isEmpty() ? null : items.get(items.size() - 1);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

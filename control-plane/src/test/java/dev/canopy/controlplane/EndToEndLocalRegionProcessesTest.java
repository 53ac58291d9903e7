package dev.canopy.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.controlplane.json.Json;
import dev.canopy.engine.ignite.AdminSecretFiles;
import dev.canopy.region.local.ClusterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Through the API to real node processes: a cluster of one aggregator and one leaf per availability group, created,
 * queried over the JDBC URL the API gives, suspended and deleted. Every node is stopped in the end, failed or not.
 */
class EndToEndLocalRegionProcessesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aClusterCreatedThroughTheApiBecomesReadyAnswersSqlAndIsDeleted(@TempDir Path dataDir) throws Exception {
        try (LocalPlatform platform = new LocalPlatform(dataDir, Duration.ofMillis(500))) {
            ClusterStore store = platform.store;
            String base = platform.base;
            String key = platform.key;

            HttpResponse<String> created = send(key, "POST", base + "/clusters", """
                    {"name": "e2e", "release": "2.17.0", "redundancyLevel": 2,
                     "aggregators": {"count": 1, "height": 0.25}, "leaves": {"count": 1, "height": 0.25, "storageGB": 1}}""");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            JsonNode ready = await("e2e Ready through the API").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> json(send(key, "GET", base + "/clusters/e2e", null)), c -> c.path("phase").asText().equals("Ready"));
            assertThat(ready.path("status").path("leaves").path("ready").asInt()).isEqualTo(2);
            String url = ready.path("jdbcUrl").asText();
            assertThatThrownBy(() -> DriverManager.getConnection(url).close()).as("no credentials")
                    .isInstanceOf(SQLException.class).hasMessageContaining("The user name or password is incorrect");
            Properties admin = AdminSecretFiles.read(store.adminSecretFile("default-e2e")).jdbcProperties();
            try (Connection connection = DriverManager.getConnection(url, admin);
                 Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM SYS.NODES")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
                statement.executeUpdate("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR)");
                statement.executeUpdate("INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b')");
            }

            // telemetry read from the engine's system views: every node with its heap, and the query just run
            JsonNode sample = await("a sample read from the engine").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> latestSample(json(send(key, "GET", base + "/clusters/e2e/metrics", null))),
                            s -> s != null && s.path("reachable").asBoolean() && s.path("queriesExecuted").asLong() >= 1
                                    && s.path("tables").toString().contains("\"rows\":2"));
            assertThat(sample.path("nodes")).hasSize(3);
            assertThat(sample.path("heapUsedBytes").asLong()).isPositive();
            assertThat(sample.path("nodesUp").asInt()).isEqualTo(3);
            assertThat(sample.path("tables").get(0).path("name").asText()).isEqualTo("T");
            // the table's partition files on both leaves' disks, and the statements the users ran (not the platform's)
            assertThat(sample.path("tables").get(0).path("bytes").asLong()).isPositive();
            assertThat(sample.path("topQueries").toString()).contains("INSERT INTO t").doesNotContain("SYS.METRICS", "WHERE FALSE");
            JsonNode insert = java.util.stream.StreamSupport.stream(sample.path("topQueries").spliterator(), false)
                    .filter(q -> q.path("sql").asText().startsWith("INSERT")).findFirst().orElseThrow();
            assertThat(insert.path("executions").asLong()).isEqualTo(1);
            assertThat(insert.path("maxMillis").asLong()).isGreaterThanOrEqualTo(insert.path("minMillis").asLong());

            // the phases and steps the region went through, newest first
            JsonNode events = await("the Ready event").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                    .until(() -> json(send(key, "GET", base + "/clusters/e2e/events", null)).path("items"),
                            items -> items.get(0).path("type").asText().equals("Ready"));
            assertThat(events.get(events.size() - 1).path("type").asText()).isEqualTo("Provisioning");

            assertThat(send(key, "POST", base + "/clusters/e2e/suspend", null).statusCode()).isEqualTo(200);
            await("e2e Suspended").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> json(send(key, "GET", base + "/clusters/e2e", null)).path("phase").asText(), "Suspended"::equals);

            assertThat(send(key, "DELETE", base + "/clusters/e2e", null).statusCode()).isEqualTo(202);
            await("e2e gone from the region").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> store.get("default-e2e").isEmpty());
            // each change ended as the region carried it out
            JsonNode operations = await("the delete ends").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                    .until(() -> json(send(key, "GET", base + "/operations", null)).path("items"),
                            items -> !items.get(0).path("outcome").asText().equals("accepted"));
            assertThat(operations).extracting(o -> o.path("action").asText() + " " + o.path("outcome").asText())
                    .containsExactly("delete succeeded", "suspend succeeded", "create succeeded", "create-key succeeded");
        }
    }

    static HttpResponse<String> send(String key, String method, String url, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode latestSample(JsonNode metrics) {
        JsonNode items = metrics.path("items");
        return items.isEmpty() ? null : items.get(items.size() - 1);
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }
}

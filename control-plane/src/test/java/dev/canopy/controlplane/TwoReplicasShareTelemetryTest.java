package dev.canopy.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.controlplane.region.FakeRegion;
import dev.canopy.controlplane.store.TestDatabases;
import dev.canopy.controlplane.telemetry.EngineProbe;
import dev.canopy.controlplane.telemetry.EngineReading;
import dev.canopy.controlplane.telemetry.NodeSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two control-plane replicas on one PostgreSQL database, in this JVM, each with an engine probe of its own that counts
 * its calls: only the duty holder asks the engines, both serve the same telemetry (route and gauges), and once the
 * holder stops the other samples on, its first rate taken from the holder's last sample.
 */
class TwoReplicasShareTelemetryTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = new JsonMapper();
    private static final Duration EVERY = Duration.ofMillis(100);
    private static final String ORDERS = """
            {"name": "orders", "region": "local", "release": "2.17.0", "redundancyLevel": 2,
             "aggregators": {"count": 1, "height": 0.5}, "leaves": {"count": 2, "height": 0.5, "storageGB": 10}}""";

    /** An engine that always answers, its one node named after the replica that asked; 10 more queries every probe. */
    private record CountingProbe(String replica, AtomicInteger reads, AtomicLong queries) implements EngineProbe {
        @Override
        public EngineReading read(String jdbcUrl) {
            reads.incrementAndGet();
            return new EngineReading(List.of(new NodeSample(replica, "leaf-0", false, 0.5, 100, 1000)), List.of(),
                    queries.addAndGet(10), List.of());
        }
    }

    @Test
    void onlyTheHolderProbesBothServeItsSamplesAndTheOtherSamplesOnOnceItStops(@TempDir Path dirs) throws Exception {
        TestDatabases.Fresh database = TestDatabases.POSTGRESQL.fresh();
        FakeRegion region = new FakeRegion("local", List.of("2.17.0"));
        AtomicLong queries = new AtomicLong();
        CountingProbe probeA = new CountingProbe("a", new AtomicInteger(), queries);
        CountingProbe probeB = new CountingProbe("b", new AtomicInteger(), queries);
        Path aDir = Files.createDirectories(dirs.resolve("a"));
        Path bDir = Files.createDirectories(dirs.resolve("b"));
        List<ControlPlane> running = new ArrayList<>();
        try {
            ControlPlane a = ControlPlane.start(new ControlPlane.Settings(aDir, database.url(), database.user(), "", "127.0.0.1", 0),
                    List.of(region), Clock.systemUTC(), EVERY, probeA);
            running.add(a);
            Files.copy(aDir.resolve("secret.key"), bDir.resolve("secret.key"));
            ControlPlane b = ControlPlane.start(new ControlPlane.Settings(bDir, database.url(), database.user(), "", "127.0.0.1", 0),
                    List.of(region), Clock.systemUTC(), EVERY, probeB);
            running.add(b);
            String key = Files.readString(a.adminKeyFile()).strip();
            HttpResponse<String> created = send(a, key, "POST", "/api/v1/clusters", ORDERS);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            region.writeStatus("default-orders", new DatabaseClusterStatus(Phase.Ready,
                    List.of(new Condition(Condition.BALANCED, Condition.TRUE, "Balanced", "", null)), 1L,
                    new NodeCounts(1, 1), new NodeCounts(2, 2), "2.17.0",
                    new Endpoints("jdbc:ignite:thin://127.0.0.1:10800", List.of()), null));

            await("one replica holds the duties").atMost(Duration.ofSeconds(10)).until(() -> a.doesBackgroundDuties() || b.doesBackgroundDuties());
            ControlPlane holder = a.doesBackgroundDuties() ? a : b;
            ControlPlane other = holder == a ? b : a;
            CountingProbe holderProbe = holder == a ? probeA : probeB;
            CountingProbe otherProbe = holder == a ? probeB : probeA;

            // the holder asks the engine; the other never does, yet serves the holder's samples, in the same order
            List<JsonNode> atHolder = await("samples at the holder").atMost(Duration.ofSeconds(20))
                    .until(() -> items(holder, key), items -> items.stream().filter(s -> s.path("reachable").asBoolean()).count() >= 5);
            assertThat(atHolder).filteredOn(s -> s.path("reachable").asBoolean())
                    .extracting(s -> s.path("nodes").path(0).path("id").asText()).containsOnly(holderProbe.replica());
            List<JsonNode> atOther = await("the same samples at the other replica").atMost(Duration.ofSeconds(20))
                    .until(() -> items(other, key), items -> items.size() >= atHolder.size());
            assertThat(atOther.subList(0, atHolder.size())).isEqualTo(atHolder);
            assertThat(holderProbe.reads().get()).isGreaterThanOrEqualTo(5);
            assertThat(otherProbe.reads().get()).as("the replica without the duties asks no engine").isZero();
            String scrape = send(other, Files.readString(other.metricsTokenFile()).strip(), "GET", "/metrics", null).body();
            assertThat(scrape).as("the gauges of the other replica, from the holder's samples")
                    .contains("canopy_cluster_cpu_load{cluster=\"orders\",organization=\"default\"} 0.5");

            // the holder stops: the other takes the duties and samples on, from the history both share
            holder.close();
            running.remove(holder);
            await("the other holds the duties").atMost(Duration.ofSeconds(15)).until(other::doesBackgroundDuties);
            List<JsonNode> after = await("the other's own samples").atMost(Duration.ofSeconds(20))
                    .until(() -> items(other, key), items -> items.stream()
                            .anyMatch(s -> s.path("nodes").path(0).path("id").asText().equals(otherProbe.replica())));
            assertThat(otherProbe.reads().get()).isPositive();
            int first = 0;
            while (!after.get(first).path("nodes").path(0).path("id").asText().equals(otherProbe.replica())) {
                first++;
            }
            assertThat(first).as("the holder's samples stay before the other's").isGreaterThanOrEqualTo(atHolder.size());
            assertThat(after.get(first).path("queriesPerSecond").asDouble())
                    .as("the other's first rate, from the holder's last sample: the takeover does not start the rates over")
                    .isPositive();
        } finally {
            running.forEach(ControlPlane::close);
        }
    }

    private static List<JsonNode> items(ControlPlane replica, String key) throws Exception {
        HttpResponse<String> answer = send(replica, key, "GET", "/api/v1/clusters/orders/metrics", null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        JSON.readTree(answer.body()).path("items").forEach(items::add);
        return items;
    }

    private static HttpResponse<String> send(ControlPlane replica, String key, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.canopy.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.controlplane.region.FakeRegion;
import dev.canopy.controlplane.store.TestDatabases;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two control-plane replicas on one PostgreSQL database, in this JVM, in front of one region: both answer the API with
 * the same keys, ETags and idempotency keys; one at a time follows operations to their end; when it stops, the other
 * takes that over and ends the operation it had left.
 */
class TwoReplicasOnPostgresqlTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = new JsonMapper();
    private static final String ORDERS = """
            {"name": "orders", "region": "local", "release": "2.17.0", "redundancyLevel": 2,
             "aggregators": {"count": 1, "height": 0.5}, "leaves": {"count": 2, "height": 0.5, "storageGB": 10}}""";

    @Test
    void bothAnswerOneFollowsAndTheOtherTakesOverWhenItStops(@TempDir Path dirs) throws Exception {
        TestDatabases.Fresh database = TestDatabases.POSTGRESQL.fresh();
        FakeRegion region = new FakeRegion("local", List.of("2.17.0"));
        Path aDir = Files.createDirectories(dirs.resolve("a"));
        Path bDir = Files.createDirectories(dirs.resolve("b"));
        ControlPlane a = ControlPlane.start(new ControlPlane.Settings(aDir, database.url(), database.user(), "", "127.0.0.1", 0),
                List.of(region), Clock.systemUTC());
        ControlPlane b = null;
        try {
            // the second replica is given the first one's secret key, as an operator gives every replica the same one
            Files.copy(aDir.resolve("secret.key"), bDir.resolve("secret.key"));
            b = ControlPlane.start(new ControlPlane.Settings(bDir, database.url(), database.user(), "", "127.0.0.1", 0),
                    List.of(region), Clock.systemUTC());
            String key = Files.readString(a.adminKeyFile()).strip();
            assertThat(b.newAdminKey()).as("the organization and its key exist already: made once").isEmpty();
            String atA = "http://127.0.0.1:" + a.port() + "/api/v1";
            String atB = "http://127.0.0.1:" + b.port() + "/api/v1";
            ControlPlane first = a;
            ControlPlane second = b;
            await("one replica follows").atMost(Duration.ofSeconds(10)).until(() -> first.doesBackgroundDuties() || second.doesBackgroundDuties());
            assertThat(a.doesBackgroundDuties() && b.doesBackgroundDuties()).as("never both").isFalse();

            // an idempotency key and an ETag hold across replicas
            HttpResponse<String> created = send(atA, key, "POST", "/clusters", ORDERS, Map.of("Idempotency-Key", "orders-1"));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            HttpResponse<String> replayed = send(atB, key, "POST", "/clusters", ORDERS, Map.of("Idempotency-Key", "orders-1"));
            assertThat(replayed.statusCode()).isEqualTo(201);
            assertThat(replayed.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            String etag = send(atB, key, "GET", "/clusters/orders", null, Map.of()).headers().firstValue("ETag").orElseThrow();
            HttpResponse<String> resized = send(atA, key, "POST", "/clusters/orders/resize", "{\"leaves\": {\"count\": 3}}",
                    Map.of("If-Match", etag));
            assertThat(resized.statusCode()).as(resized.body()).isEqualTo(200);
            HttpResponse<String> stale = send(atB, key, "POST", "/clusters/orders/resize", "{\"leaves\": {\"count\": 4}}",
                    Map.of("If-Match", etag));
            assertThat(stale.statusCode()).as("the ETag moved on at the other replica").isEqualTo(412);

            // the follower stops: the other takes the duties over and ends the resize once the region reaches it
            ControlPlane follower = a.doesBackgroundDuties() ? a : b;
            ControlPlane other = follower == a ? b : a;
            String otherApi = other == a ? atA : atB;
            follower.close();
            if (follower == a) {
                a = null;
            } else {
                b = null;
            }
            await("the other replica follows").atMost(Duration.ofSeconds(10)).until(other::doesBackgroundDuties);
            region.writeStatus("default-orders", new DatabaseClusterStatus(Phase.Ready, List.of(), 2L, null, null, null, null, null));
            JsonNode operations = await("the resize ended by the replica left").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> JSON.readTree(send(otherApi, key, "GET", "/operations", null, Map.of()).body()).path("items"),
                            items -> java.util.stream.StreamSupport.stream(items.spliterator(), false)
                                    .anyMatch(o -> o.path("action").asText().equals("resize")
                                            && o.path("outcome").asText().equals("succeeded")));
            assertThat(operations).extracting(o -> o.path("action").asText() + " " + o.path("outcome").asText())
                    .containsExactly("resize refused", "resize succeeded", "create succeeded", "create-key succeeded");
        } finally {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        }
    }

    private static HttpResponse<String> send(String base, String key, String method, String path, String body,
                                             Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

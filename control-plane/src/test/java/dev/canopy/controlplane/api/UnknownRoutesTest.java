package dev.canopy.controlplane.api;

import dev.canopy.controlplane.region.FakeRegion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a client is told for a path nothing answers, or a method a path does not take: a problem, as for any error. */
class UnknownRoutesTest {
    private static ApiFixture api;

    @BeforeAll
    static void start() {
        api = new ApiFixture(new FakeRegion("local", List.of("2.17.0")));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** They answered text/plain "Endpoint GET /api/v1/nothing not found". */
    @Test
    void anUnknownRouteIsA404Problem() {
        for (String path : List.of("/api/v1/nothing", "/api/v1/clusters/orders/nothing", "/api/v2/clusters", "/nothing.html")) {
            ApiClient.Response answer = api.admin.get(path);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.contentType()).as(path).startsWith(ApiServer.PROBLEM_JSON);
            assertThat(answer.json().path("status").asInt()).isEqualTo(404);
            assertThat(answer.json().path("title").asText()).isEqualTo("Not found");
            assertThat(answer.json().path("instance").asText()).isEqualTo(path);
            assertThat(answer.json().path("detail").asText()).contains("GET " + path).contains("/api/v1/openapi.yaml");
        }
        // a route is unknown to anyone, with or without a key
        assertThat(api.anonymous().post("/api/v1/nothing", "{}").status()).isEqualTo(404);
    }

    /** A known path with another method answered 404 as if it did not exist. */
    @Test
    void aMethodAKnownPathDoesNotTakeIsA405ProblemNamingThoseItTakes() {
        ApiClient.Response put = api.admin.send("PUT", "/api/v1/clusters/orders", "{}", Map.of());
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.contentType()).startsWith(ApiServer.PROBLEM_JSON);
        assertThat(put.header("Allow")).isEqualTo("GET, DELETE, HEAD");
        assertThat(put.json().path("status").asInt()).isEqualTo(405);
        assertThat(put.json().path("detail").asText()).contains("PUT").contains("GET, DELETE, HEAD");

        ApiClient.Response getResize = api.admin.get("/api/v1/clusters/orders/resize");
        assertThat(getResize.status()).isEqualTo(405);
        assertThat(getResize.header("Allow")).isEqualTo("POST");

        ApiClient.Response deleteClusters = api.anonymous().delete("/api/v1/clusters", Map.of());
        assertThat(deleteClusters.status()).isEqualTo(405);
        assertThat(deleteClusters.header("Allow")).isEqualTo("GET, POST, HEAD");

        ApiClient.Response postMetrics = api.admin.post("/metrics", "");
        assertThat(postMetrics.status()).isEqualTo(405);
        assertThat(postMetrics.header("Allow")).isEqualTo("GET, HEAD");
    }

    @Test
    void thePortalsFilesAreStillServedWithoutAKey() {
        ApiClient.Response index = api.anonymous().get("/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.contentType()).startsWith("text/html");
        assertThat(index.body()).contains("portal.js");

        ApiClient.Response script = api.anonymous().get("/portal.js");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.contentType()).contains("javascript");
        assertThat(api.anonymous().get("/portal.css").status()).isEqualTo(200);
    }
}

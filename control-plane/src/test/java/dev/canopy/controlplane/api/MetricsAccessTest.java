package dev.canopy.controlplane.api;

import dev.canopy.controlplane.region.FakeRegion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** /metrics named every organization's clusters and tables to anyone who asked. */
class MetricsAccessTest {
    private static final String ORDERS = """
            {"name": "orders", "region": "local", "release": "2.17.0", "redundancyLevel": 2,
             "aggregators": {"count": 1, "height": 0.5}, "leaves": {"count": 2, "height": 0.5, "storageGB": 10}}""";

    private FakeRegion region;
    private ApiFixture api;
    private ApiClient acme;

    @BeforeEach
    void start() {
        region = new FakeRegion("local", List.of("2.17.0"));
        api = new ApiFixture(region);
        acme = api.admin.withKey(api.admin.post("/api/v1/organizations", "{\"name\": \"acme\"}")
                .json().path("adminKey").path("secret").asText());
        assertThat(acme.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void withoutCredentialsMetricsAreA401Problem() {
        for (ApiClient refused : List.of(api.anonymous(), api.admin.withKey("cnpscrape_" + "x".repeat(43)),
                api.admin.withKey("not-a-token"))) {
            ApiClient.Response answer = refused.get("/metrics");
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.contentType()).startsWith(ApiServer.PROBLEM_JSON);
            assertThat(answer.header("WWW-Authenticate")).isEqualTo("Bearer");
            assertThat(answer.json().path("detail").asText()).contains("metrics.token");
            assertThat(answer.body()).doesNotContain("acme").doesNotContain("orders");
        }
    }

    @Test
    void theScrapeTokenAndThePlatformsAdminKeyReadThem() {
        for (ApiClient scraper : List.of(api.scraper(), api.admin)) {
            ApiClient.Response answer = scraper.get("/metrics");
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.contentType()).startsWith("text/plain");
            assertThat(answer.body()).contains("canopy_clusters{phase=\"Pending\"} 1.0");
        }
    }

    @Test
    void anyOtherKeyIsRefused() {
        ApiClient member = api.admin.withKey(api.admin.post("/api/v1/keys", "{\"role\": \"member\"}").json().path("secret").asText());
        for (ApiClient refused : List.of(acme, member)) {
            ApiClient.Response answer = refused.get("/metrics");
            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.contentType()).startsWith(ApiServer.PROBLEM_JSON);
        }
    }

    @Test
    void theScrapeTokenOpensNoOtherRoute() {
        assertThat(api.scraper().get("/api/v1/clusters").status()).isEqualTo(401);
        assertThat(api.scraper().get("/api/v1/organizations").status()).isEqualTo(401);
    }

    @Test
    void theScrapeTokenIsReadableByItsOwnerOnlyAndKeptAcrossARestart() throws Exception {
        assertThat(api.controlPlane.metricsTokenFile()).isEqualTo(api.dataDir.resolve("metrics.token"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(api.controlPlane.metricsTokenFile())))
                .isEqualTo("rw-------");
        ApiClient before = api.scraper();
        api.close();
        api = new ApiFixture(api.dataDir, region);
        assertThat(api.scraper().key()).isEqualTo(before.key());
        assertThat(api.scraper().get("/metrics").status()).isEqualTo(200);
    }

    @Test
    void healthNamesNoOrganization() {
        ApiClient.Response health = api.anonymous().get("/api/v1/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).doesNotContain("acme").doesNotContain("default").doesNotContain("orders");
    }
}

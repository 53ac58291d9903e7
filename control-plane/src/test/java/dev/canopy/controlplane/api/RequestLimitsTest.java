package dev.canopy.controlplane.api;

import dev.canopy.controlplane.ControlPlane;
import dev.canopy.controlplane.region.FakeRegion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What keeps one client from taking the API from the others: requests a key may make a second, and a body's size. */
class RequestLimitsTest {

    @Test
    void aKeyPastItsRequestsForTheSecondIsToldToRetryWhileAnotherKeyIsServed(@TempDir Path dataDir) throws Exception {
        FakeRegion region = new FakeRegion("local", List.of("2.17.0"));
        try (ControlPlane controlPlane = ControlPlane.start(new ControlPlane.Settings(dataDir, null, null, null, "127.0.0.1", 0, 5),
                List.of(region), Clock.systemUTC())) {
            ApiClient admin = new ApiClient("http://127.0.0.1:" + controlPlane.port(), Files.readString(controlPlane.adminKeyFile()).strip());
            ApiClient other = admin.withKey(admin.post("/api/v1/keys", "{\"role\": \"viewer\"}").json().path("secret").asText());

            List<ApiClient.Response> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(admin.get("/api/v1/clusters"));
            }
            ApiClient.Response refused = answers.stream().filter(a -> a.status() == 429).findFirst().orElseThrow(() ->
                    new AssertionError("20 requests in a row, none refused: " + answers.stream().map(ApiClient.Response::status).toList()));
            assertThat(answers.stream().filter(a -> a.status() == 200).count()).isGreaterThanOrEqualTo(1).isLessThan(20);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.contentType()).startsWith(ApiServer.PROBLEM_JSON);
            assertThat(refused.json().path("detail").asText()).contains("more than 5 requests in a second");
            assertThat(other.get("/api/v1/clusters").status()).as("another key has its own").isEqualTo(200);
            await("served again after the second").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(300))
                    .until(() -> admin.get("/api/v1/clusters").status() == 200);
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedAndNothingIsStored(@TempDir Path dataDir) throws Exception {
        FakeRegion region = new FakeRegion("local", List.of("2.17.0"));
        try (ControlPlane controlPlane = ControlPlane.start(new ControlPlane.Settings(dataDir, null, null, null, "127.0.0.1", 0),
                List.of(region), Clock.systemUTC())) {
            ApiClient admin = new ApiClient("http://127.0.0.1:" + controlPlane.port(), Files.readString(controlPlane.adminKeyFile()).strip());
            String huge = "{\"name\": \"orders\", \"release\": \"2.17.0\", \"pad\": \"" + "x".repeat(300 * 1024) + "\"}";
            ApiClient.Response refused = admin.post("/api/v1/clusters", huge);
            assertThat(refused.status()).as(refused.body()).isEqualTo(413);
            assertThat(refused.contentType()).startsWith(ApiServer.PROBLEM_JSON);
            assertThat(refused.json().path("detail").asText()).contains("over 256 kB");
            assertThat(region.list()).isEmpty();
        }
    }
}

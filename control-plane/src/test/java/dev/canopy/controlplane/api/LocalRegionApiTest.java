package dev.canopy.controlplane.api;

import dev.canopy.api.ClusterManifest;
import dev.canopy.controlplane.region.LocalClusterRegion;
import dev.canopy.region.local.ClusterStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The API over the local region's real file store, without its reconcile loop (no nodes start). */
class LocalRegionApiTest {
    private static final String USERS = """
            {"name": "users", "release": "2.17.0", "redundancyLevel": 1,
             "aggregators": {"count": 1, "height": 0.25}, "leaves": {"count": 1, "height": 0.25, "storageGB": 1}}""";

    @Test
    void specsGoToTheRegionsStoreUnderANameThatKeepsOrganizationsApart() throws Exception {
        Path regionDir = Files.createTempDirectory("canopy-region-");
        ClusterStore store = new ClusterStore(regionDir);
        // a cluster applied with the CLI before the control plane first started
        store.apply(ClusterManifest.parse("""
                apiVersion: canopy.dev/v1alpha1
                kind: DatabaseCluster
                metadata: { name: demo }
                spec: { release: "2.17.0", redundancyLevel: 2, aggregators: { count: 1, height: 0.5 }, leaves: { count: 2, height: 0.5, storageGB: 10 } }
                """), List.of("2.17.0"));
        try (ApiFixture api = new ApiFixture(new LocalClusterRegion(store, () -> List.of("2.17.0")))) {
            // the unowned demo became the platform organization's
            assertThat(api.admin.get("/api/v1/clusters/demo").json().path("spec").path("leaves").path("count").asInt()).isEqualTo(2);

            assertThat(api.admin.post("/api/v1/clusters", USERS).status()).isEqualTo(201);
            assertThat(store.get("default-users")).hasValueSatisfying(c -> {
                assertThat(c.generation()).isEqualTo(1);
                assertThat(c.spec().redundancyLevel()).isEqualTo(1);
            });

            ApiClient.Response unavailable = api.admin.post("/api/v1/clusters/users/upgrade", "{\"release\": \"2.18.0\"}");
            assertThat(unavailable.status()).isEqualTo(422);
            assertThat(unavailable.json().path("errors").get(0).path("field").asText()).isEqualTo("release");
            assertThat(unavailable.json().path("errors").get(0).path("message").asText()).contains("not available in the local region");
            assertThat(store.get("default-users").orElseThrow().spec().release()).isEqualTo("2.17.0");

            // changed straight in the region (an earlier CLI's cluster apply did): the API shows and builds on that
            store.apply(new ClusterManifest("demo", store.get("demo").orElseThrow().spec()
                    .withBackup(new dev.canopy.api.BackupSpec("6h", 3, null))), List.of("2.17.0"));
            assertThat(api.admin.get("/api/v1/clusters/demo").json().path("spec").path("backup").path("schedule").asText()).isEqualTo("6h");
            api.admin.post("/api/v1/clusters/demo/resize", "{\"leaves\": {\"count\": 3}}");
            assertThat(store.get("demo").orElseThrow().spec().backup().schedule()).isEqualTo("6h");
            assertThat(store.get("demo").orElseThrow().spec().leaves().count()).isEqualTo(3);
            assertThat(store.get("demo").orElseThrow().generation()).isEqualTo(3);

            assertThat(api.admin.delete("/api/v1/clusters/users", Map.of()).status()).isEqualTo(202);
            assertThat(store.get("default-users").orElseThrow().deleting()).isTrue();
            // until the region has removed it, the name cannot be taken again
            ApiClient.Response tooSoon = api.admin.post("/api/v1/clusters", USERS);
            assertThat(tooSoon.status()).isEqualTo(409);
            assertThat(tooSoon.json().path("detail").asText()).contains("default-users");
        }
    }
}

package dev.canopy.controlplane.api;

import dev.canopy.backup.BackupRecord;
import dev.canopy.backup.BackupTopology;
import dev.canopy.backup.DirectoryDestination;
import dev.canopy.controlplane.region.FakeRegion;
import dev.canopy.controlplane.region.LocalClusterRegion;
import dev.canopy.region.local.ClusterStore;
import dev.canopy.region.local.RegionBackups;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Backups through the API over the local region's real file store, without its loop (no nodes start). */
class BackupApiTest {
    static final String ORDERS = """
            {"name": "orders", "release": "2.17.0", "redundancyLevel": 2, "backup": {"schedule": "6h", "retention": 3},
             "aggregators": {"count": 1, "height": 0.25}, "leaves": {"count": 1, "height": 0.25, "storageGB": 1}}""";

    @TempDir
    Path regionDir;

    /**
     * A good backup of 10 GiB (5 of data, twice) of default-orders, as the region would have recorded it: its files in
     * the region's backup directory, its record there and in the region's catalog.
     */
    static BackupRecord recordGoodBackup(Path regionDir) throws IOException {
        BackupRecord good = BackupRecord.started("default-orders-20261125-030000", "default-orders", Instant.parse("2026-11-25T03:00:00Z"),
                "2.17.0", new BackupTopology(1, 1, 2, 0.25, 1), "directory")
                .succeeded(Instant.parse("2026-11-25T03:00:09Z"), 10L << 30, Map.of("PUBLIC.T", 7L), Map.of("PUBLIC.T", 7L));
        Path files = Files.createDirectories(regionDir.resolve("staging/x"));
        Files.writeString(files.resolve("part"), "p");
        DirectoryDestination directory = new DirectoryDestination(RegionBackups.defaultDirectory(regionDir));
        directory.upload(good.id(), regionDir.resolve("staging"));
        directory.putRecord(good);
        new DirectoryDestination(regionDir.resolve("backup-records")).putRecord(good);
        return good;
    }

    static String restore(String name, String backup, int storageGB) {
        return """
                {"name": "%s", "release": "2.17.0", "redundancyLevel": 2, "restoreFrom": {"backup": "%s"},
                 "aggregators": {"count": 1, "height": 0.25}, "leaves": {"count": 2, "height": 0.25, "storageGB": %d}}"""
                .formatted(name, backup, storageGB);
    }

    @Test
    void backupsAreAskedForListedAndRestoredIntoANewClusterThatFits() throws Exception {
        ClusterStore store = new ClusterStore(regionDir);
        try (ApiFixture api = new ApiFixture(new LocalClusterRegion(store, () -> List.of("2.17.0")))) {
            assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
            assertThat(store.get("default-orders").orElseThrow().spec().backup().schedule()).isEqualTo("6h");

            ApiClient.Response asked = api.admin.post("/api/v1/clusters/orders/backups", "");
            assertThat(asked.status()).isEqualTo(202);
            assertThat(store.backupRequested("default-orders")).as("the region takes it on its next pass").isTrue();
            assertThat(api.admin.get("/api/v1/clusters/orders/backups").json().path("items")).isEmpty();
            assertThat(api.admin.post("/api/v1/clusters/nothing/backups", "").status()).isEqualTo(404);

            BackupRecord good = recordGoodBackup(regionDir);
            ApiClient.Response listed = api.admin.get("/api/v1/clusters/orders/backups");
            assertThat(listed.json().path("items").get(0).path("state").asText()).isEqualTo("Succeeded");
            assertThat(listed.json().path("items").get(0).path("tableRows").path("PUBLIC.T").asLong()).isEqualTo(7);
            assertThat(listed.json().path("items").get(0).path("createdAt").asText()).isEqualTo("2026-11-25T03:00:00Z");

            ApiClient.Response missing = api.admin.post("/api/v1/clusters", restore("again", "default-orders-19990101-000000", 1));
            assertThat(missing.status()).isEqualTo(422);
            assertThat(missing.json().path("errors").get(0).path("field").asText()).isEqualTo("restoreFrom.backup");
            assertThat(missing.json().path("errors").get(0).path("message").asText()).startsWith("no backup default-orders-19990101-000000 in directory ");

            ApiClient.Response tooSmall = api.admin.post("/api/v1/clusters", restore("again", good.id(), 1));
            assertThat(tooSmall.status()).isEqualTo(422);
            assertThat(tooSmall.json().path("errors").get(0).path("message").asText())
                    .isEqualTo("the backup needs 10.0 GiB with 2 copies, but 4 leaves of 1 GiB hold 4.0 GiB: give more leaves or more storageGB");
            assertThat(store.get("default-again")).as("nothing stored").isEmpty();

            assertThat(api.admin.post("/api/v1/clusters", restore("again", good.id(), 3)).status()).isEqualTo(201);
            assertThat(store.restore("default-again")).hasValueSatisfying(r -> assertThat(r.source().backup()).isEqualTo(good.id()));
        }
    }

    /**
     * One organization created a cluster from another's backup and read its rows: a backup is restored only into its
     * own organization, and another's answers exactly as a missing one does.
     */
    @Test
    void anotherOrganizationsBackupAnswersLikeAMissingOne() throws Exception {
        ClusterStore store = new ClusterStore(regionDir);
        try (ApiFixture api = new ApiFixture(new LocalClusterRegion(store, () -> List.of("2.17.0")))) {
            assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
            BackupRecord good = recordGoodBackup(regionDir);
            ApiClient acme = api.admin.withKey(api.admin.post("/api/v1/organizations", "{\"name\": \"acme\"}").json()
                    .path("adminKey").path("secret").asText());

            ApiClient.Response stolen = acme.post("/api/v1/clusters", restore("loot", good.id(), 3));
            ApiClient.Response missing = acme.post("/api/v1/clusters", restore("loot", "acme-orders-19990101-000000-aaaaaaaa", 3));
            assertThat(stolen.status()).isEqualTo(422);
            assertThat(stolen.json().path("errors").get(0).path("message").asText())
                    .isEqualTo("no backup " + good.id() + " in directory " + RegionBackups.defaultDirectory(regionDir));
            assertThat(missing.json().path("errors").get(0).path("message").asText()).as("said the same way")
                    .isEqualTo("no backup acme-orders-19990101-000000-aaaaaaaa in directory " + RegionBackups.defaultDirectory(regionDir));
            assertThat(store.get("acme-loot")).as("nothing stored").isEmpty();
            assertThat(api.admin.post("/api/v1/clusters", restore("again", good.id(), 3)).status()).as("its own organization").isEqualTo(201);
        }
    }

    @Test
    void theBackupPolicyIsReplacedAndABadOneIsRefusedNamingTheField() throws Exception {
        ClusterStore store = new ClusterStore(regionDir);
        try (ApiFixture api = new ApiFixture(new LocalClusterRegion(store, () -> List.of("2.17.0")))) {
            assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
            long generation = store.get("default-orders").orElseThrow().generation();

            ApiClient.Response bad = api.admin.post("/api/v1/clusters/orders/backup-policy", """
                    {"schedule": "every day", "retention": 0}""");
            assertThat(bad.status()).isEqualTo(422);
            assertThat(bad.json().path("errors").findValuesAsText("field")).contains("backup.schedule", "backup.retention");
            assertThat(store.get("default-orders").orElseThrow().spec().backup().schedule()).as("unchanged").isEqualTo("6h");

            ApiClient.Response unknown = api.admin.post("/api/v1/clusters/orders/backup-policy", """
                    {"every": "1d"}""");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.json().path("errors").get(0).path("field").asText()).isEqualTo("every");

            ApiClient.Response changed = api.admin.post("/api/v1/clusters/orders/backup-policy", """
                    {"schedule": "1d", "retention": 14}""");
            assertThat(changed.status()).isEqualTo(200);
            assertThat(changed.json().path("spec").path("backup").path("schedule").asText()).isEqualTo("1d");
            assertThat(store.get("default-orders").orElseThrow().spec().backup().retention()).isEqualTo(14);
            assertThat(store.get("default-orders").orElseThrow().generation()).isGreaterThan(generation);

            assertThat(api.admin.post("/api/v1/clusters/orders/backup-policy", "{}").status()).isEqualTo(200);
            assertThat(store.get("default-orders").orElseThrow().spec().backup().schedule()).as("on demand only").isNull();
        }
    }

    @Test
    void aRegionWithoutBackupsSaysSo() throws Exception {
        try (ApiFixture api = new ApiFixture(new FakeRegion("local", List.of("2.17.0")))) {
            assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
            ApiClient.Response refused = api.admin.post("/api/v1/clusters/orders/backups", "");
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.json().path("detail").asText()).contains("takes no backups yet");
        }
    }
}

package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.canopy.controlplane.ControlPlane;
import dev.canopy.controlplane.region.LocalClusterRegion;
import dev.canopy.core.EngineUsers;
import dev.canopy.core.Topology;
import dev.canopy.region.local.ClusterStore;
import dev.canopy.region.local.ClusterUsers;
import dev.canopy.runtime.local.LocalRuntime;
import dev.canopy.runtime.local.ReleaseCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.ReplicationStatus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code canopy clusters ...} against a real control plane over the local region's store (its loop not running: no nodes). */
class ClustersCommandTest {
    @TempDir
    Path dataDir;
    private ClusterStore store;
    private ControlPlane controlPlane;
    private String api;
    /** The user commands the engine got, in order: the CLI's users end there (a real engine is in DatabaseUsersApiProcessesTest). */
    private final List<String> engineUserCommands = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        store = new ClusterStore(dataDir);
        ClusterUsers users = new ClusterUsers(store, new LocalRuntime(dataDir, ReleaseCatalog.fromSystemProperties(), "127.0.0.1",
                Duration.ofSeconds(5)), new EngineUsers() {
            @Override
            public void createUser(Topology topology, String user, String password) {
                engineUserCommands.add("create " + user);
            }

            @Override
            public void setPassword(Topology topology, String user, String password) {
                engineUserCommands.add("password " + user);
            }

            @Override
            public void dropUser(Topology topology, String user) {
                engineUserCommands.add("drop " + user);
            }
        }, Clock.systemUTC());
        controlPlane = ControlPlane.start(new ControlPlane.Settings(dataDir, null, null, null, "127.0.0.1", 0),
                List.of(new LocalClusterRegion(store, () -> List.of("2.16.0", "2.17.0"), users)), Clock.systemUTC());
        api = "http://127.0.0.1:" + controlPlane.port();
    }

    @AfterEach
    void stop() {
        controlPlane.close();
    }

    private CliRun.Result clusters(String... args) {
        List<String> full = new ArrayList<>(List.of("clusters", "--api", api));
        full.addAll(List.of(args));
        return CliRun.canopy(dataDir, full.toArray(String[]::new));
    }

    @Test
    void everyOperationGoesThroughTheApiWithTheKeyTheDataDirectoryHolds() throws Exception {
        CliRun.Result created = clusters("create", "orders", "--leaves", "2");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("orders (region local): Pending");
        assertThat(store.get("default-orders").orElseThrow().spec().leaves().count()).isEqualTo(2);

        assertThat(clusters("list").out()).contains("orders").contains("Pending");
        assertThat(clusters("resize", "orders", "--leaves", "3", "--if-match", "1").code()).isZero();
        assertThat(store.get("default-orders").orElseThrow().spec().leaves().count()).isEqualTo(3);

        CliRun.Result stale = clusters("upgrade", "orders", "--release", "2.16.0", "--if-match", "1");
        assertThat(stale.code()).isEqualTo(1);
        assertThat(stale.err()).contains("does not match");

        assertThat(clusters("suspend", "orders").code()).isZero();
        assertThat(store.get("default-orders").orElseThrow().spec().isSuspended()).isTrue();
        assertThat(clusters("resume", "orders").code()).isZero();

        JsonNode json = new JsonMapper().readTree(clusters("get", "orders", "-o", "json").out());
        assertThat(json.path("generation").asLong()).isEqualTo(4);
        assertThat(json.path("spec").path("suspended").asBoolean()).isFalse();

        assertThat(clusters("delete", "orders").out()).contains("being deleted");
        assertThat(store.get("default-orders").orElseThrow().deleting()).isTrue();
    }

    @Test
    void theCertificateAuthorityIsPrintedOrWrittenAsATrustStore() throws Exception {
        assertThat(clusters("create", "orders").code()).isZero();
        CliRun.Result plain = clusters("ca", "orders");
        assertThat(plain.code()).isEqualTo(1);
        assertThat(plain.err()).contains("takes clients in plain text");

        // as the engine makes them for a fresh deployment (the fake engine here makes none)
        dev.canopy.engine.ignite.ClientTls tls = dev.canopy.engine.ignite.ClusterCertificates.keptIn(
                store.tlsDirectory("default-orders"), "default-orders");
        java.nio.file.Files.writeString(store.tlsMarker("default-orders"), "on\n");
        CliRun.Result pem = clusters("ca", "orders");
        assertThat(pem.code()).as(pem.err()).isZero();
        assertThat(pem.out()).isEqualTo(java.nio.file.Files.readString(tls.caCertificate()));

        Path file = dataDir.resolve("client/truststore.p12");
        CliRun.Result written = clusters("ca", "orders", "--truststore", file.toString());
        assertThat(written.code()).as(written.err()).isZero();
        assertThat(written.out()).contains("sslMode=require&sslTrustCertificateKeyStoreUrl=" + file.toAbsolutePath());
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            trust.load(in, "changeit".toCharArray());
        }
        assertThat(trust.getCertificate("ca").getEncoded()).isEqualTo(java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(java.nio.file.Files.newInputStream(tls.caCertificate())).getEncoded());
    }

    /** A refusal was printed twice (the detail, then the same field again), and as text under -o json. */
    @Test
    void databaseUsersAreMadeWithTheirPasswordShownOnceListedRotatedAndDeletedWithAFakeEngine() throws Exception {
        assertThat(clusters("create", "orders").code()).isZero();

        CliRun.Result made = clusters("users", "orders", "create", "app", "-o", "json");
        assertThat(made.code()).as(made.out() + made.err()).isZero();
        JsonNode login = new JsonMapper().readTree(made.out());
        assertThat(login.path("user").asText()).isEqualTo("app");
        String password = login.path("password").asText();
        assertThat(password).hasSizeGreaterThanOrEqualTo(32);

        CliRun.Result list = clusters("users", "orders");
        assertThat(list.out()).contains("USER").contains("app").doesNotContain(password);

        CliRun.Result rotated = clusters("users", "orders", "rotate", "app");
        assertThat(rotated.code()).as(rotated.err()).isZero();
        assertThat(rotated.out()).contains("user:     app").contains("shown this once").doesNotContain(password);

        CliRun.Result taken = clusters("users", "orders", "create", "app");
        assertThat(taken.code()).isEqualTo(1);
        assertThat(taken.err()).contains("user app exists already in this cluster");
        CliRun.Result reserved = clusters("users", "orders", "create", "ignite");
        assertThat(reserved.code()).isEqualTo(1);
        assertThat(reserved.err()).contains("name").contains("the platform's own login");
        CliRun.Result noUser = clusters("users", "orders", "rotate");
        assertThat(noUser.code()).isEqualTo(2);
        assertThat(noUser.err()).contains("needs the user's name");

        assertThat(clusters("users", "orders", "delete", "app").out()).contains("user app of orders deleted");
        CliRun.Result gone = clusters("users", "orders", "delete", "app");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).contains("no user app made through the platform");
        assertThat(clusters("users", "orders").out()).contains("no users made through the platform");
        assertThat(engineUserCommands).containsExactly("create app", "password app", "drop app");
        assertThat(Files.readString(store.clusterDir("default-orders").resolve("users.json"))).doesNotContain(password);
    }

    @Test
    void aRefusalIsSaidOnceAndAsJsonUnderOutputJson() throws Exception {
        assertThat(clusters("create", "orders").code()).isZero();
        CliRun.Result text = clusters("resize", "orders", "--leaves", "65");
        assertThat(text.code()).isEqualTo(1);
        assertThat(text.err().split("leaves\\.count", -1)).as(text.err()).hasSize(2);

        CliRun.Result json = clusters("resize", "orders", "--leaves", "65", "-o", "json");
        assertThat(json.code()).isEqualTo(1);
        JsonNode problem = new JsonMapper().readTree(json.out());
        assertThat(problem.path("status").asInt()).isEqualTo(422);
        assertThat(problem.path("errors").get(0).path("field").asText()).isEqualTo("leaves.count");
    }

    @Test
    void backupsAreAskedForListedAndRestoredFromThroughTheApi() throws Exception {
        assertThat(clusters("create", "orders").code()).isZero();
        CliRun.Result asked = clusters("backup", "orders");
        assertThat(asked.code()).as(asked.err()).isZero();
        assertThat(asked.out()).contains("backup of orders asked for");
        assertThat(store.backupRequested("default-orders")).isTrue();

        dev.canopy.backup.BackupRecord failed = dev.canopy.backup.BackupRecord.started("default-orders-20261125-030000", "default-orders",
                java.time.Instant.parse("2026-11-25T03:00:00Z"), "2.17.0", new dev.canopy.backup.BackupTopology(1, 1, 2, 0.5, 10), "directory")
                .failed(java.time.Instant.parse("2026-11-25T03:00:01Z"), "leaf-ag2-0 is down: a backup needs every leaf of the cluster");
        new dev.canopy.backup.DirectoryDestination(dataDir.resolve("backup-records")).putRecord(failed);
        CliRun.Result listed = clusters("backups", "orders");
        assertThat(listed.code()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("default-orders-20261125-030000", "Failed", "2026-11-25T03:00:00Z", "leaf-ag2-0 is down");

        Path elsewhere = dataDir.resolve("backups").resolve("elsewhere");
        CliRun.Result refused = clusters("restore", "again", "--from", failed.id(), "--from-directory", elsewhere.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("restoreFrom.backup").contains("no backup default-orders-20261125-030000 in directory " + elsewhere);
        assertThat(store.get("default-again")).isEmpty();
        // a directory of the host outside the region's backup directory is not read
        CliRun.Result outside = clusters("restore", "again", "--from", failed.id(), "--from-directory", "/etc");
        assertThat(outside.code()).isEqualTo(1);
        assertThat(outside.err()).contains("restoreFrom.destination: directory: must be under " + dataDir.resolve("backups"));

        CliRun.Result scheduled = clusters("backup-policy", "orders", "--schedule", "6h", "--retention", "3");
        assertThat(scheduled.code()).as(scheduled.err()).isZero();
        assertThat(scheduled.out()).contains("backups:   every 6h, newest 3 kept");
        assertThat(store.get("default-orders").orElseThrow().spec().backup()).isEqualTo(new dev.canopy.api.BackupSpec("6h", 3, null));
        assertThat(clusters("backup-policy", "orders", "--retention", "5").code()).as("the schedule stays").isZero();
        assertThat(store.get("default-orders").orElseThrow().spec().backup()).isEqualTo(new dev.canopy.api.BackupSpec("6h", 5, null));
        CliRun.Result bad = clusters("backup-policy", "orders", "--schedule", "hourly");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("backup.schedule");
        assertThat(clusters("backup-policy", "orders", "--schedule", "off").code()).isZero();
        assertThat(store.get("default-orders").orElseThrow().spec().backup()).isEqualTo(new dev.canopy.api.BackupSpec(null, 5, null));
    }

    @Test
    void sqlOnAClusterWithNoAggregatorServingSaysWhyAndExitsNonZero() {
        assertThat(clusters("create", "orders").code()).isZero();

        CliRun.Result early = clusters("sql", "orders", "-e", "SELECT 1");
        assertThat(early.code()).isEqualTo(1);
        assertThat(early.err()).contains("orders has no aggregator serving SQL yet (phase Pending)");

        CliRun.Result unknown = clusters("sql", "nosuch", "-e", "SELECT 1");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("canopy: ");
    }

    @Test
    void aRefusalPrintsEveryFieldAndExitsNonZero() {
        CliRun.Result refused = clusters("create", "orders", "--redundancy", "3", "--leaves", "0");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.errLines()).contains("  redundancyLevel: must be 1 or 2, got 3", "  leaves.count: must be from 1 to 64, got 0");
        assertThat(store.list()).isEmpty();

        CliRun.Result badKey = clusters("--key", "cnp_000000000000_" + "x".repeat(43), "list");
        assertThat(badKey.code()).isEqualTo(1);
        assertThat(badKey.err()).contains("not valid");

        CliRun.Result nobody = CliRun.canopy(dataDir, "clusters", "--api", "http://127.0.0.1:1", "list");
        assertThat(nobody.code()).isEqualTo(1);
        assertThat(nobody.errLines()).containsExactly("canopy: the platform is not running (nothing answers on http://127.0.0.1:1): start it with"
                + " `./canopy up`, or give another address with --api");
    }

    @Test
    void waitFollowsTheChangeUntilTheRegionHasCarriedItOut() throws Exception {
        assertThat(clusters("create", "orders").code()).isZero();
        var suspending = java.util.concurrent.CompletableFuture.supplyAsync(() -> clusters("suspend", "orders", "--wait", "--timeout", "30s"));
        // what the region's reconciler would write once every node has stopped
        await("the suspend to be stored").atMost(Duration.ofSeconds(10))
                .until(() -> store.get("default-orders").orElseThrow().generation() == 2);
        assertThat(suspending).isNotDone();
        store.writeStatus("default-orders", new DatabaseClusterStatus(Phase.Suspended, List.of(), 2L, null, null, "2.17.0", null, null));
        CliRun.Result result = suspending.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("cluster orders: suspend succeeded: Suspended at generation 2");
    }

    @Test
    void aReplicaIsCreatedWithReplicaOfShownWithItsFeedAndPromotedUntilTheRegionSaysSo() throws Exception {
        assertThat(clusters("create", "orders").code()).isZero();
        CliRun.Result refused = clusters("create", "copy", "--replica-of", "nosuch");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.errLines()).as("said once").containsExactly("canopy: replicaOf.cluster: no cluster named nosuch in region local");
        assertThat(clusters("create", "copy", "--replica-of", "mars/orders").err()).contains("replicaOf.region: no region named mars");
        assertThat(store.get("default-copy")).isEmpty();

        CliRun.Result created = clusters("create", "copy", "--replica-of", "local/orders");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("replication: replica of local/orders: not reported by the region yet");
        assertThat(store.get("default-copy").orElseThrow().spec().replicaOf()).isEqualTo(new ReplicaOfSpec("default-orders", "local"));
        assertThat(clusters("create", "again", "--replica-of", "orders").code()).as("the region defaults to the replica's").isZero();
        assertThat(store.get("default-again").orElseThrow().spec().replicaOf()).isEqualTo(new ReplicaOfSpec("default-orders", "local"));

        // what the region writes, in its names; the CLI shows the organization's
        store.writeStatus("default-copy", replicaStatus(1, new ReplicationStatus("local/default-orders",
                "Streaming: streaming from local/default-orders, lag 0.9 s", 0.9, 3271L, null, null, null)));
        assertThat(clusters("get", "copy").out()).as("the lag said once")
                .contains("replication: replica of local/orders: Streaming: streaming from local/orders, lag 0.9 s\n");
        assertThat(clusters("list").out()).contains("  replica of local/orders: Streaming: streaming from local/orders, lag 0.9 s");

        store.writeStatus("default-copy", replicaStatus(1, new ReplicationStatus("local/default-orders",
                "Promoting: fencing local/default-orders (read-only)", 0.9, 3271L, null, null, true)));
        var promoting = java.util.concurrent.CompletableFuture.supplyAsync(() -> clusters("promote", "copy", "--timeout", "PT30S"));
        await("the promotion to be stored").atMost(Duration.ofSeconds(10))
                .until(() -> store.get("default-copy").orElseThrow().spec().replicaOf() == null);
        assertThat(promoting).isNotDone();
        store.writeStatus("default-copy", replicaStatus(2, new ReplicationStatus("local/default-orders",
                "Promoted: every table equals the fenced source's", null, 3271L, "2026-12-03T06:00:00Z", 0.9, true)));
        CliRun.Result promoted = promoting.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(promoted.code()).as(promoted.err()).isZero();
        assertThat(promoted.out()).contains("Promoting: fencing local/orders (read-only)")
                .contains("cluster copy promoted at 2026-12-03T06:00:00Z, lag at promotion 0.9 s, source fenced");

        CliRun.Result again = clusters("promote", "copy");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("copy is no replica");
    }

    private static DatabaseClusterStatus replicaStatus(long generation, ReplicationStatus replication) {
        return new DatabaseClusterStatus(Phase.Ready, List.of(), generation, null, null, "2.17.0", null, null, null, replication);
    }

    @Test
    void keysAndRegionsThroughTheApi() {
        CliRun.Result regions = CliRun.canopy(dataDir, "regions", "--api", api);
        assertThat(regions.code()).as(regions.err()).isZero();
        assertThat(regions.out()).contains("local").contains("2.16.0,2.17.0");

        CliRun.Result created = CliRun.canopy(dataDir, "keys", "--api", api, "create", "--role", "viewer", "--description", "dashboards");
        assertThat(created.code()).as(created.err()).isZero();
        String secret = created.out().lines().map(String::trim).filter(l -> l.startsWith("cnp_")).findFirst().orElseThrow();
        String id = secret.substring(4, 16);
        assertThat(CliRun.canopy(dataDir, "keys", "--api", api, "list").out()).contains(id + " ").contains("viewer").doesNotContain(secret);

        CliRun.Result refused = clusters("--key", secret, "create", "orders");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("viewer");

        assertThat(CliRun.canopy(dataDir, "keys", "--api", api, "revoke", id).code()).isZero();
        assertThat(clusters("--key", secret, "list").err()).contains("not valid");
    }

    /** Registration needs no answer from the region (it is checked, not reached): an unreachable server is unhealthy. */
    @Test
    void aKubernetesRegionIsAddedFromAKubeconfigFileAndDeleted() throws Exception {
        Path kubeconfig = dataDir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [ { name: far, cluster: { server: "http://127.0.0.1:1" } } ]
                users: [ { name: ops, user: { token: t } } ]
                contexts: [ { name: far, context: { cluster: far, user: ops } } ]
                """);
        CliRun.Result unknownContext = CliRun.canopy(dataDir, "regions", "--api", api, "add", "--name", "eu",
                "--kubeconfig", kubeconfig.toString(), "--context", "near", "--namespace", "canopy");
        assertThat(unknownContext.code()).isEqualTo(1);
        assertThat(unknownContext.err()).contains("context: the kubeconfig has no context near; it has far");

        CliRun.Result noFile = CliRun.canopy(dataDir, "regions", "--api", api, "add", "--name", "eu",
                "--kubeconfig", dataDir.resolve("missing").toString(), "--context", "far", "--namespace", "canopy");
        assertThat(noFile.code()).isEqualTo(1);
        assertThat(noFile.err()).contains("--kubeconfig: cannot read");

        CliRun.Result added = CliRun.canopy(dataDir, "regions", "--api", api, "add", "--name", "eu",
                "--kubeconfig", kubeconfig.toString(), "--context", "far", "--namespace", "canopy");
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).contains("region eu registered", "healthy: no", "does not answer");
        assertThat(CliRun.canopy(dataDir, "regions", "--api", api).out()).contains("eu ", "kubernetes");

        assertThat(CliRun.canopy(dataDir, "regions", "--api", api, "delete", "eu").code()).isZero();
        assertThat(CliRun.canopy(dataDir, "regions", "--api", api).out()).doesNotContain("kubernetes");
    }
}

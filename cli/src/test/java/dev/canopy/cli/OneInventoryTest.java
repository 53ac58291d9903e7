package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.api.ClusterManifest;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.controlplane.ControlPlane;
import dev.canopy.controlplane.region.LocalClusterRegion;
import dev.canopy.region.local.ClusterStore;
import dev.canopy.region.local.StoredCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CLI, the API and the portal see one inventory under one name per cluster: {@code canopy cluster ...} is
 * {@code canopy clusters ...}, over a real control plane and the local region's store (its loop not running: no node
 * is started; the tests write what the region would report).
 */
class OneInventoryTest {
    private static final List<String> RELEASES = List.of("2.16.0", "2.17.0");
    @TempDir
    Path dataDir;
    /** Where the test writes its manifests, apart from the data directory. */
    @TempDir
    Path files;
    private ClusterStore store;
    private ControlPlane controlPlane;
    private String api;

    /** The platform as `./canopy up` starts it, over what the data directory holds. */
    private void platformUp() {
        store = new ClusterStore(dataDir);
        controlPlane = ControlPlane.start(new ControlPlane.Settings(dataDir, null, null, null, "127.0.0.1", 0),
                List.of(new LocalClusterRegion(store, () -> RELEASES)), Clock.systemUTC());
        api = "http://127.0.0.1:" + controlPlane.port();
    }

    @AfterEach
    void stop() {
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    /** Runs {@code canopy --data-dir <dataDir> args... --api <the control plane>}. */
    private CliRun.Result canopy(String... args) {
        List<String> full = new ArrayList<>(List.of(args));
        full.addAll(List.of("--api", api));
        return CliRun.canopy(dataDir, full.toArray(String[]::new));
    }

    /** The API itself, with the data directory's admin key, as curl and the portal call it. */
    private ApiClient admin() throws IOException {
        return new ApiClient(api, Files.readString(dataDir.resolve("admin.key")).trim());
    }

    private Path manifest(String name, int leaves) throws IOException {
        return write(name + ".yaml", """
                apiVersion: canopy.dev/v1alpha1
                kind: DatabaseCluster
                metadata:
                  name: %s
                spec:
                  release: "2.17.0"
                  redundancyLevel: 2
                  aggregators:
                    count: 1
                    height: 0.5
                  leaves:
                    count: %d
                    height: 0.5
                    storageGB: 10
                  config:
                    sqlQueryTimeoutMs: "60000"
                """.formatted(name, leaves));
    }

    private Path write(String fileName, String content) throws IOException {
        Path file = files.resolve(fileName);
        Files.writeString(file, content);
        return file;
    }

    private static DatabaseClusterStatus ready(long generation, int port) {
        return new DatabaseClusterStatus(Phase.Ready, List.of(), generation, new NodeCounts(1, 1), new NodeCounts(2, 2), "2.17.0",
                new Endpoints("jdbc:ignite:thin://127.0.0.1:" + port, List.of("127.0.0.1:" + port)), null, null, null);
    }

    /** `cluster apply` while the platform ran was invisible to the API (404); the README's next command made a second one. */
    @Test
    void aClusterAppliedWithTheCliIsTheApisClusterOfThatName() throws Exception {
        platformUp();
        Path file = manifest("orders", 1);

        CliRun.Result created = canopy("cluster", "apply", "-f", file.toString(), "--no-wait");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("cluster orders created (generation 1)");
        JsonNode seen = admin().call("GET", "/clusters/orders", null);
        assertThat(seen.path("spec").path("leaves").path("count").asInt()).isEqualTo(1);
        assertThat(seen.path("spec").path("config").path("sqlQueryTimeoutMs").asText()).isEqualTo("60000");

        CliRun.Result unchanged = canopy("cluster", "apply", "-f", file.toString(), "--no-wait");
        assertThat(unchanged.out()).as(unchanged.err()).contains("cluster orders unchanged (generation 1)");
        manifest("orders", 3);
        CliRun.Result configured = canopy("clusters", "apply", "-f", file.toString(), "--no-wait");
        assertThat(configured.out()).as(configured.err()).contains("cluster orders configured (generation 2)");
        assertThat(admin().call("GET", "/clusters/orders", null).path("spec").path("leaves").path("count").asInt()).isEqualTo(3);

        // the README's next command finds the same cluster, not a second one
        CliRun.Result again = canopy("clusters", "create", "orders");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("cluster orders exists already");
        assertThat(admin().call("GET", "/clusters", null).path("items")).hasSize(1);
        assertThat(store.list()).extracting(StoredCluster::name).containsExactly("default-orders");
    }

    /** docs/using.md's commands in its order: apply the example, list, get, delete; the API sees each step. */
    @Test
    void theDocsExampleGoesThroughTheApi() throws Exception {
        platformUp();
        CliRun.Result applied = canopy("cluster", "apply", "-f", Path.of("..", "examples", "orders.yaml").toString(), "--no-wait");
        assertThat(applied.code()).as(applied.err()).isZero();
        assertThat(canopy("cluster", "list").out()).containsPattern("(?m)^orders\\s+local\\s+Pending");
        store.writeStatus("default-orders", ready(1, 10800));
        assertThat(canopy("cluster", "get", "orders").out()).contains("orders (region local): Ready")
                .contains("JDBC URL:  jdbc:ignite:thin://127.0.0.1:10800")
                .contains("a client on Java 17+ needs Ignite's JVM options: docs/using.md#connect-your-own-client");
        assertThat(Files.readString(Path.of("..", "docs", "using.md"))).as("the section the hint names")
                .contains("### Connect your own client").contains("--add-opens=java.base/java.nio=ALL-UNNAMED");
        assertThat(canopy("cluster", "delete", "orders").code()).isZero();
        assertThat(admin().call("GET", "/clusters", null).path("items")).isEmpty();
    }

    @Test
    void applyFollowsTheClusterUntilTheRegionSaysItIsReady() throws Exception {
        platformUp();
        Path file = manifest("orders", 1);
        CompletableFuture<CliRun.Result> applying = CompletableFuture.supplyAsync(() ->
                canopy("cluster", "apply", "-f", file.toString(), "--timeout", "30s"));
        await("the apply to reach the region").atMost(Duration.ofSeconds(10)).until(() -> store.get("default-orders").isPresent());
        // what the region's reconciler writes once every node is up
        store.writeStatus("default-orders", ready(1, 10800));
        CliRun.Result result = applying.get(30, TimeUnit.SECONDS);
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("cluster orders: create succeeded: Ready at generation 1")
                .contains("cluster orders: JDBC URL jdbc:ignite:thin://127.0.0.1:10800; SQL shell: ./canopy sql orders");
    }

    /** `cluster delete` left the API's record behind, Pending forever. */
    @Test
    void aClusterDeletedWithTheCliIsGoneFromTheApi() throws Exception {
        platformUp();
        assertThat(canopy("cluster", "apply", "-f", manifest("orders", 1).toString(), "--no-wait").code()).isZero();

        CliRun.Result deleted = canopy("cluster", "delete", "orders");
        assertThat(deleted.code()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("cluster orders is being deleted");
        ApiClient.Failure gone = org.junit.jupiter.api.Assertions.assertThrows(ApiClient.Failure.class,
                () -> admin().call("GET", "/clusters/orders", null));
        assertThat(gone.status()).isEqualTo(404);
        assertThat(admin().call("GET", "/clusters", null).path("items")).isEmpty();
        // the region stops its nodes and removes its storage
        assertThat(store.get("default-orders").orElseThrow().deleting()).isTrue();
    }

    /** `./canopy sql demo-dr` failed where `default-demo-dr` worked: it read the local store by the region's name. */
    @Test
    void sqlFindsTheClusterByTheNameTheApiShows() throws Exception {
        platformUp();
        assertThat(canopy("clusters", "create", "demo-dr").code()).isZero();

        CliRun.Result early = canopy("sql", "demo-dr", "-e", "SELECT 1");
        assertThat(early.code()).isEqualTo(1);
        assertThat(early.err()).contains("demo-dr has no aggregator serving SQL yet (phase Pending)");

        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        store.writeStatus("default-demo-dr", ready(1, closed));
        CliRun.Result connecting = canopy("sql", "demo-dr", "-e", "SELECT 1");
        // it got as far as the cluster's JDBC URL: nothing listens there in this test
        assertThat(connecting.code()).isEqualTo(1);
        assertThat(connecting.err()).doesNotContain("no aggregator").doesNotContain("not found").contains(String.valueOf(closed));

        CliRun.Result regionName = canopy("sql", "default-demo-dr", "-e", "SELECT 1");
        assertThat(regionName.code()).isEqualTo(1);
        assertThat(regionName.err()).contains("no cluster named default-demo-dr");
    }

    /** LEAVES was ready/total in `cluster list` and the spec's count in `clusters list`. */
    @Test
    void listShowsNodesReadyOfTotalAsThePortalDoes() throws Exception {
        platformUp();
        CliRun.Result empty = canopy("clusters", "list");
        assertThat(empty.out()).as(empty.err()).contains("no clusters; `./canopy clusters apply -f examples/orders.yaml` creates one");
        assertThat(canopy("cluster", "apply", "-f", manifest("orders", 1).toString(), "--no-wait").code()).isZero();
        assertThat(canopy("cluster", "apply", "-f", manifest("billing", 2).toString(), "--no-wait").code()).isZero();
        store.writeStatus("default-billing", new DatabaseClusterStatus(Phase.Provisioning, List.of(), 1L, new NodeCounts(1, 1),
                new NodeCounts(3, 4), null, null, null, null, null));

        List<String> lines = canopy("cluster", "list").out().lines().toList();
        assertThat(lines.get(0).split("\\s+")).containsExactly("NAME", "REGION", "PHASE", "RELEASE", "AGGREGATORS", "LEAVES");
        assertThat(lines).anySatisfy(l -> assertThat(l.split("\\s+")).containsExactly("orders", "local", "Pending", "2.17.0", "0/1", "0/2"));
        assertThat(lines).anySatisfy(l -> assertThat(l.split("\\s+")).containsExactly("billing", "local", "Provisioning", "2.17.0", "1/1", "3/4"));
    }

    @Test
    void anInvalidFileIsRefusedWithOneLinePerProblemAndNothingIsSent() throws Exception {
        platformUp();
        Path bad = write("bad.yaml", """
                apiVersion: canopy.dev/v1alpha1
                kind: DatabaseCluster
                metadata:
                  name: orders
                spec:
                  release: "2.17.0"
                  redundancyLevel: 3
                  replicas: 4
                  aggregators:
                    count: 1
                    height: 0.5
                  leaves:
                    count: 1
                    height: 0.5
                    storageGB: 10
                  config:
                    walMode: SOMETIMES
                """);
        CliRun.Result refused = canopy("cluster", "apply", "-f", bad.toString());
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("not a valid DatabaseCluster").contains("nothing was changed");
        List<String> problems = refused.errLines().stream().filter(l -> l.startsWith("  ")).map(String::strip).toList();
        assertThat(problems).hasSize(3);
        assertThat(problems).anySatisfy(l -> assertThat(l).startsWith("spec.redundancyLevel:").contains("3"));
        assertThat(problems).anySatisfy(l -> assertThat(l).startsWith("spec.replicas:").contains("unknown field"));
        assertThat(problems).anySatisfy(l -> assertThat(l).startsWith("spec.config.walMode:").contains("SOMETIMES"));

        CliRun.Result missing = canopy("cluster", "apply", "-f", files.resolve("nowhere.yaml").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file").contains("nowhere.yaml");

        // the region's own refusal comes back through the API, naming the field
        Path future = write("future.yaml", Files.readString(manifest("future", 1)).replace("\"2.17.0\"", "\"9.9.9\""));
        CliRun.Result notInstalled = canopy("cluster", "apply", "-f", future.toString());
        assertThat(notInstalled.code()).isEqualTo(1);
        assertThat(notInstalled.err()).contains("9.9.9");
        assertThat(admin().call("GET", "/clusters", null).path("items")).isEmpty();
        assertThat(store.list()).isEmpty();
    }

    /** With no platform, the commands say so in one line and write nothing behind its back. */
    @Test
    void withoutThePlatformTheCommandsSaySoAndChangeNothing() throws Exception {
        CliRun.Result neverStarted = CliRun.canopy(dataDir, "cluster", "apply", "-f", manifest("orders", 1).toString());
        assertThat(neverStarted.code()).isEqualTo(1);
        assertThat(neverStarted.errLines()).singleElement().satisfies(l -> assertThat(l)
                .startsWith("canopy: the platform has not started on " + dataDir).contains("`./canopy up`"));
        assertThat(CliRun.canopy(dataDir, "sql", "orders", "-e", "SELECT 1").errLines()).singleElement()
                .satisfies(l -> assertThat(l).contains("`./canopy up`"));

        Files.writeString(dataDir.resolve("admin.key"), "cnp_000000000000_" + "x".repeat(43));
        CliRun.Result stopped = CliRun.canopy(dataDir, "cluster", "list", "--api", "http://127.0.0.1:1");
        assertThat(stopped.code()).isEqualTo(1);
        assertThat(stopped.errLines()).singleElement().satisfies(l -> assertThat(l)
                .startsWith("canopy: the platform is not running").contains("`./canopy up`"));
        assertThat(new ClusterStore(dataDir).list()).isEmpty();
    }

    /**
     * Data directories of earlier versions hold clusters under their name in the region: the demo and what `cluster
     * apply` stored as {@code orders}, what the API created as {@code default-billing}. Their records lost or not, they
     * come back under the names the API shows, and `sql` finds them by those.
     */
    @Test
    void clustersOfAnEarlierDataDirectoryKeepTheirNames() throws Exception {
        ClusterStore earlier = new ClusterStore(dataDir);
        earlier.apply(ClusterManifest.parse(Files.readString(manifest("orders", 1))), RELEASES);
        earlier.apply(new ClusterManifest("default-billing", ClusterManifest.parse(Files.readString(manifest("billing", 1))).spec()), RELEASES);
        platformUp();

        List<String> names = new ArrayList<>();
        admin().call("GET", "/clusters", null).path("items").forEach(c -> names.add(c.path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder("orders", "billing");
        assertThat(canopy("sql", "orders", "-e", "SELECT 1").err()).contains("orders has no aggregator serving SQL yet");
        assertThat(canopy("sql", "billing", "-e", "SELECT 1").err()).contains("billing has no aggregator serving SQL yet");

        // and once more, with the records the first start made
        controlPlane.close();
        platformUp();
        assertThat(admin().call("GET", "/clusters", null).path("items")).hasSize(2);
        assertThat(canopy("cluster", "delete", "billing").code()).isZero();
        assertThat(store.get("default-billing").orElseThrow().deleting()).isTrue();
    }

    /** Organizations' names in the region stay apart: default's acme-x and acme's x are two clusters. */
    @Test
    void anotherOrganizationsClusterOfALikeNameIsAnotherCluster() throws Exception {
        platformUp();
        String acmeKey = admin().call("POST", "/organizations", Map.of("name", "acme")).path("adminKey").path("secret").asText();
        assertThat(acmeKey).isNotEmpty();
        assertThat(canopy("cluster", "apply", "-f", manifest("acme-x", 1).toString(), "--no-wait").code()).isZero();
        CliRun.Result acmes = canopy("clusters", "create", "x", "--key", acmeKey);
        assertThat(acmes.code()).as(acmes.err()).isZero();

        assertThat(store.list()).extracting(StoredCluster::name).containsExactlyInAnyOrder("default-acme-x", "acme-x");
        assertThat(canopy("clusters", "get", "acme-x").out()).contains("acme-x (region local)");
        assertThat(canopy("clusters", "get", "x").code()).isEqualTo(1);
        assertThat(canopy("clusters", "list", "--key", acmeKey).out()).contains("x ").doesNotContain("acme-x");
    }

    /** `./canopy up` printed what the region did under its own names: `[default-orders] phase Ready`, `./canopy sql default-orders`. */
    @Test
    void upShowsWhatTheRegionDoesUnderTheApisNames() throws Exception {
        platformUp();
        String acmeKey = admin().call("POST", "/organizations", Map.of("name", "acme")).path("adminKey").path("secret").asText();
        assertThat(canopy("clusters", "create", "orders").code()).isZero();
        assertThat(canopy("clusters", "create", "x", "--key", acmeKey).code()).isZero();
        ApiNames names = new ApiNames(controlPlane.clusters(), "local");

        assertThat(names.apply("default-orders")).isEqualTo("orders");
        assertThat(names.apply("acme-x")).isEqualTo("acme/x");
        assertThat(ApiNames.isPlatforms(names.apply("acme-x"))).as("default's key does not reach it").isFalse();
        assertThat(names.apply("unknown-yet")).isEqualTo("unknown-yet");
        assertThat(canopy("clusters", "delete", "orders").code()).isZero();
        assertThat(names.apply("default-orders")).as("the region reports the deletion after the record is gone").isEqualTo("orders");
    }

    /** What `cluster get` showed from the local files, through the API now: nodes ready and a blue/green upgrade's step. */
    @Test
    void getShowsNodesReadyAndABlueGreenUpgradeByItsStep() throws Exception {
        platformUp();
        assertThat(canopy("cluster", "apply", "-f", manifest("orders", 1).toString(), "--no-wait").code()).isZero();
        store.writeStatus("default-orders", new DatabaseClusterStatus(Phase.Upgrading, List.of(), 1L, new NodeCounts(1, 1),
                new NodeCounts(1, 2), "2.16.0", null, new dev.canopy.api.UpgradeStatus("2.16.0", "2.17.0",
                dev.canopy.api.UpgradeStatus.BLUE_GREEN, "2026-12-06T10:00:00Z", null, null, null, null, "CapturingChanges", null),
                null, null));
        String out = canopy("cluster", "get", "orders").out();
        assertThat(out).contains("  nodes:     aggregators 1/1, leaves 1/2 ready; release 2.16.0")
                .contains("  upgrade:   2.16.0 -> 2.17.0, BlueGreen, step CapturingChanges, since 2026-12-06T10:00:00Z")
                .doesNotContain("null");
    }
}

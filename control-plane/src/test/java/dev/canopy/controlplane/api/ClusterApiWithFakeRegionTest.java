package dev.canopy.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.ReplicationStatus;
import dev.canopy.controlplane.region.FakeRegion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The API's own behaviour, against a region in memory (the local region has its own tests). */
class ClusterApiWithFakeRegionTest {
    private static final String ORDERS = """
            {"name": "orders", "region": "local", "release": "2.17.0", "redundancyLevel": 2,
             "aggregators": {"count": 1, "height": 0.5}, "leaves": {"count": 2, "height": 0.5, "storageGB": 10}}""";

    private FakeRegion region;
    private ApiFixture api;

    @BeforeEach
    void start() {
        region = new FakeRegion("local", List.of("2.18.0", "2.17.0"));
        api = new ApiFixture(region);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void theListComesInPagesFilteredAndAnsweredNotModifiedWhileUnchanged() {
        for (String name : List.of("alpha", "beta", "bravo", "charlie", "delta")) {
            assertThat(api.admin.post("/api/v1/clusters", ORDERS.replace("\"orders\"", "\"" + name + "\"")).status()).isEqualTo(201);
        }
        JsonNode first = api.admin.get("/api/v1/clusters?limit=2").json();
        assertThat(names(first)).containsExactly("alpha", "beta");
        JsonNode second = api.admin.get("/api/v1/clusters?limit=2&cursor=" + first.path("next").asText()).json();
        assertThat(names(second)).containsExactly("bravo", "charlie");
        JsonNode last = api.admin.get("/api/v1/clusters?limit=2&cursor=" + second.path("next").asText()).json();
        assertThat(names(last)).containsExactly("delta");
        assertThat(last.has("next")).as("the last page has no next").isFalse();

        assertThat(names(api.admin.get("/api/v1/clusters?prefix=b").json())).containsExactly("beta", "bravo");
        assertThat(names(api.admin.get("/api/v1/clusters?region=local&limit=1000").json())).hasSize(5);
        assertThat(names(api.admin.get("/api/v1/clusters?region=elsewhere").json())).isEmpty();
        region.writeStatus("default-charlie", new dev.canopy.api.DatabaseClusterStatus(dev.canopy.api.Phase.Ready, List.of(), 1L,
                null, null, null, null, null));
        assertThat(names(api.admin.get("/api/v1/clusters?phase=Ready").json())).containsExactly("charlie");
        assertThat(names(api.admin.get("/api/v1/clusters?phase=Pending&prefix=b").json())).containsExactly("beta", "bravo");

        ApiClient.Response page = api.admin.get("/api/v1/clusters?limit=3");
        String etag = page.header("ETag");
        assertThat(etag).isNotBlank();
        ApiClient.Response unchanged = api.admin.send("GET", "/api/v1/clusters?limit=3", null, Map.of("If-None-Match", etag));
        assertThat(unchanged.status()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        region.writeStatus("default-beta", new dev.canopy.api.DatabaseClusterStatus(dev.canopy.api.Phase.Provisioning, List.of(), 1L,
                null, null, null, null, null));
        ApiClient.Response changed = api.admin.send("GET", "/api/v1/clusters?limit=3", null, Map.of("If-None-Match", etag));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.header("ETag")).isNotEqualTo(etag);

        for (String bad : List.of("limit=0", "limit=1001", "limit=x", "cursor=%25%25", "phase=Sleeping")) {
            ApiClient.Response refused = api.admin.get("/api/v1/clusters?" + bad);
            assertThat(refused.status()).as(bad + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.fields()).containsExactly(bad.substring(0, bad.indexOf('=')));
        }
    }

    /**
     * A phase is known only from the region, not in the query: with a phase filter the pages of the query are read on
     * until the page is full, and the last page says there is no next only once no further cluster matches.
     */
    @Test
    void aPhaseFilterReadsOnUntilItsPageIsFullOrTheClustersRunOut() {
        List<String> all = List.of("a01", "a02", "a03", "a04", "a05", "a06", "a07", "a08", "a09", "a10", "a11");
        for (String name : all) {
            assertThat(api.admin.post("/api/v1/clusters", ORDERS.replace("\"orders\"", "\"" + name + "\"")).status()).isEqualTo(201);
        }
        for (String ready : List.of("a02", "a09", "a10")) {
            region.writeStatus("default-" + ready, new DatabaseClusterStatus(Phase.Ready, List.of(), 1L, null, null, null, null, null));
        }
        assertThat(pages("/api/v1/clusters?phase=Ready&limit=1")).containsExactly(List.of("a02"), List.of("a09"), List.of("a10"));
        assertThat(pages("/api/v1/clusters?phase=Ready&limit=2")).containsExactly(List.of("a02", "a09"), List.of("a10"));
        assertThat(pages("/api/v1/clusters?phase=Pending&limit=3")).containsExactly(List.of("a01", "a03", "a04"),
                List.of("a05", "a06", "a07"), List.of("a08", "a11"));
        assertThat(pages("/api/v1/clusters?phase=Failed&limit=1")).containsExactly(List.of());
        assertThat(pages("/api/v1/clusters?limit=4")).flatMap(page -> page).containsExactlyElementsOf(all);
    }

    /** Every page of a listing, following next until there is none. */
    private List<List<String>> pages(String first) {
        List<List<String>> pages = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.admin.get(first + (cursor == null ? "" : "&cursor=" + cursor)).json();
            pages.add(names(page));
            cursor = page.hasNonNull("next") ? page.path("next").asText() : null;
        } while (cursor != null && pages.size() < 100);
        return pages;
    }

    @Test
    void healthNeedsNoKeyAndEverythingElseDoes() {
        ApiClient anonymous = api.anonymous();
        ApiClient.Response health = anonymous.get("/api/v1/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("regions").get(0).path("name").asText()).isEqualTo("local");

        ApiClient.Response noKey = anonymous.get("/api/v1/clusters");
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.contentType()).startsWith("application/problem+json");
        assertThat(noKey.json().path("detail").asText()).contains("Authorization: Bearer");

        ApiClient.Response badKey = anonymous.withKey("cnp_000000000000_" + "x".repeat(43)).get("/api/v1/clusters");
        assertThat(badKey.status()).isEqualTo(401);
        assertThat(api.dataDir.resolve("admin.key")).content().isEqualToIgnoringNewLines(api.admin.key());
    }

    /** A region whose health check throws answered the unauthenticated health with 500. */
    @Test
    void aRegionWhoseHealthCheckFailsIsUnhealthyNotAnError() {
        region.healthFailure = new IllegalArgumentException("no server in the kubeconfig");
        ApiClient.Response health = api.anonymous().get("/api/v1/health");
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(health.json().path("regions").get(0).path("healthy").asBoolean()).isFalse();
        ApiClient.Response regions = api.admin.get("/api/v1/regions");
        assertThat(regions.status()).isEqualTo(200);
        assertThat(regions.json().path("items").get(0).path("message").asText())
                .isEqualTo("its health could not be checked: no server in the kubeconfig");
    }

    /** The JSON literal null as a body was read as a request and failed further in, with 500 and a Java exception. */
    @Test
    void aNullBodyIsRefusedNamingTheBody() {
        for (String path : List.of("/api/v1/clusters", "/api/v1/clusters/orders/resize", "/api/v1/clusters/orders/upgrade",
                "/api/v1/keys", "/api/v1/organizations", "/api/v1/regions")) {
            ApiClient.Response refused = api.admin.post(path, "null");
            assertThat(refused.status()).as(path + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.json().path("errors").get(0).path("field").asText()).as(path).isEqualTo("(body)");
        }
    }

    @Test
    void createThenGetShowsTheSpecAndWhatTheRegionReports() {
        ApiClient.Response created = api.admin.post("/api/v1/clusters", ORDERS);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("ETag")).isEqualTo("\"1\"");
        assertThat(created.header("Location")).isEqualTo("/api/v1/clusters/orders");
        assertThat(created.json().path("phase").asText()).isEqualTo("Pending");
        // the name in the region keeps organizations apart
        assertThat(region.get("default-orders")).hasValueSatisfying(c -> assertThat(c.spec().leaves().count()).isEqualTo(2));

        region.writeStatus("default-orders", new DatabaseClusterStatus(Phase.Ready,
                List.of(new Condition(Condition.READY, Condition.TRUE, "AllNodesReady", "every node is up", null)),
                1L, new NodeCounts(1, 1), new NodeCounts(4, 4), "2.17.0",
                new Endpoints("jdbc:ignite:thin://127.0.0.1:20001", List.of("127.0.0.1:20001")), null));
        JsonNode got = api.admin.get("/api/v1/clusters/orders").json();
        assertThat(got.path("phase").asText()).isEqualTo("Ready");
        assertThat(got.path("jdbcUrl").asText()).isEqualTo("jdbc:ignite:thin://127.0.0.1:20001");
        assertThat(got.path("status").path("conditions").get(0).path("type").asText()).isEqualTo("Ready");
        assertThat(got.path("spec").path("redundancyLevel").asInt()).isEqualTo(2);
        assertThat(api.admin.get("/api/v1/clusters").json().path("items")).hasSize(1);

        // the region reached the generation asked for and is Ready: the create ended well, and the cluster has an event
        JsonNode create = await("the create ends").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.admin.get("/api/v1/clusters/orders/operations").json().path("items").get(0),
                        op -> !op.path("outcome").asText().equals("accepted"));
        assertThat(create.path("outcome").asText()).isEqualTo("succeeded");
        assertThat(create.path("message").asText()).isEqualTo("Ready at generation 1");
        assertThat(create.path("finishedAt").isTextual()).isTrue();
        JsonNode events = await("an event").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.admin.get("/api/v1/clusters/orders/events").json().path("items"), e -> !e.isEmpty());
        assertThat(events.get(0).path("type").asText()).isEqualTo("Ready");
    }

    @Test
    void aBadSpecIsRefusedNamingEveryFieldAndNothingIsStored() {
        ApiClient.Response refused = api.admin.post("/api/v1/clusters", ORDERS
                .replace("\"redundancyLevel\": 2", "\"redundancyLevel\": 3").replace("\"count\": 2", "\"count\": 0"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(fields(refused)).containsExactlyInAnyOrder("redundancyLevel", "leaves.count");

        ApiClient.Response unknown = api.admin.post("/api/v1/clusters", ORDERS.replace("\"storageGB\"", "\"storageGb\""));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(fields(unknown)).containsExactly("leaves.storageGb");

        ApiClient.Response wrongType = api.admin.post("/api/v1/clusters", ORDERS.replace("\"redundancyLevel\": 2", "\"redundancyLevel\": \"two\""));
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(fields(wrongType)).containsExactly("redundancyLevel");

        ApiClient.Response badName = api.admin.post("/api/v1/clusters", ORDERS.replace("\"orders\"", "\"Orders_1\""));
        assertThat(fields(badName)).containsExactly("name");

        ApiClient.Response unavailable = api.admin.post("/api/v1/clusters", ORDERS.replace("2.17.0", "2.99.0"));
        assertThat(unavailable.status()).isEqualTo(422);
        assertThat(fields(unavailable)).containsExactly("release");

        assertThat(api.admin.get("/api/v1/clusters").json().path("items")).isEmpty();
        assertThat(region.list()).isEmpty();
        assertThat(api.admin.get("/api/v1/operations").json().path("items"))
                .extracting(o -> o.path("outcome").asText()).contains("refused");
    }

    @Test
    void aRetriedCreateWithTheSameIdempotencyKeyGetsTheFirstAnswer() {
        Map<String, String> key = Map.of("Idempotency-Key", "create-orders-1");
        ApiClient.Response first = api.admin.post("/api/v1/clusters", ORDERS, key);
        ApiClient.Response retry = api.admin.post("/api/v1/clusters", ORDERS, key);
        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(region.list()).hasSize(1);

        ApiClient.Response reused = api.admin.post("/api/v1/clusters", ORDERS.replace("orders", "users"), key);
        assertThat(reused.status()).isEqualTo(422);
        assertThat(fields(reused)).containsExactly("Idempotency-Key");

        ApiClient.Response again = api.admin.post("/api/v1/clusters", ORDERS);
        assertThat(again.status()).isEqualTo(409);
    }

    /**
     * Retries sent together with one key, while the first was still being answered, were refused with 409 (the cluster
     * "exists already", or the region "still holds" it): each gets the first answer, and the cluster is created once.
     */
    @Test
    void concurrentRetriesWithOneIdempotencyKeyAllGetTheFirstAnswer() throws Exception {
        Map<String, String> key = Map.of("Idempotency-Key", "create-orders-2");
        List<ApiClient.Response> answers = concurrently(10, i -> api.admin.post("/api/v1/clusters", ORDERS, key));

        assertThat(answers).extracting(ApiClient.Response::status).as(answers.toString()).containsOnly(201);
        assertThat(answers).extracting(ApiClient.Response::body).containsOnly(answers.getFirst().body());
        assertThat(answers).extracting(a -> a.header("ETag")).containsOnly("\"1\"");
        assertThat(answers).filteredOn(a -> a.header("Idempotent-Replayed") == null).as("answered, not replayed").hasSize(1);
        assertThat(region.writes()).isEqualTo(1);
        List<String> actions = new ArrayList<>();
        api.admin.get("/api/v1/operations").json().path("items").forEach(o -> actions.add(o.path("action").asText()));
        assertThat(actions).as("logged once: a retry that got the first answer did nothing").containsOnlyOnce("create");
    }

    /**
     * Concurrent resizes without If-Match: the region took each spec before the store's conditional update, so a resize
     * refused with 412 was applied anyway, and the region could end on a refused spec. Only a resize answered 200 may
     * reach the region, and the last of them is what it holds.
     */
    @Test
    void ofConcurrentResizesOnlyThoseAnswered200ReachTheRegion() throws Exception {
        api.admin.post("/api/v1/clusters", ORDERS);
        int writesBefore = region.writes();
        long generationBefore = region.get("default-orders").orElseThrow().generation();

        // each asks for a leaves count no other asks for: each answered 200 changed the spec
        List<ApiClient.Response> answers = concurrently(10, i -> api.admin.post("/api/v1/clusters/orders/resize",
                "{\"leaves\": {\"count\": " + (3 + i) + "}}"));

        assertThat(answers).extracting(ApiClient.Response::status).as(answers.toString()).allMatch(s -> s == 200 || s == 409 || s == 412);
        List<ApiClient.Response> accepted = answers.stream().filter(a -> a.status() == 200).toList();
        assertThat(accepted).isNotEmpty();
        ApiClient.Response last = accepted.stream()
                .max(Comparator.comparingLong(a -> a.json().path("resourceVersion").asLong())).orElseThrow();
        int lastCount = last.json().path("spec").path("leaves").path("count").asInt();
        assertThat(accepted).extracting(a -> a.header("ETag")).doesNotHaveDuplicates();
        assertThat(last.header("ETag")).isEqualTo("\"" + (1 + accepted.size()) + "\"");
        assertThat(region.writes() - writesBefore).as("writes to the region").isEqualTo(accepted.size());
        assertThat(region.get("default-orders").orElseThrow().generation()).isEqualTo(generationBefore + accepted.size());
        assertThat(region.get("default-orders").orElseThrow().spec().leaves().count()).isEqualTo(lastCount);
        ApiClient.Response stored = api.admin.get("/api/v1/clusters/orders");
        assertThat(stored.header("ETag")).isEqualTo(last.header("ETag"));
        assertThat(stored.json().path("spec").path("leaves").path("count").asInt()).isEqualTo(lastCount);
        assertThat(stored.json().path("generation").asLong()).isEqualTo(generationBefore + accepted.size());
    }

    /**
     * A cluster whose record was lost (a create answered 201, the platform killed before the commit reached the disk)
     * was adopted on the next start by organization default, as acme-orders: it goes back to acme, as orders. A name
     * that starts with no organization's prefix still goes to default.
     */
    @Test
    void aClusterFoundWithoutARecordGoesBackToTheOrganizationItsNameStartsWith() {
        String acmeKey = api.admin.post("/api/v1/organizations", "{\"name\": \"acme\"}").json()
                .path("adminKey").path("secret").asText();
        DatabaseClusterSpec spec = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5),
                new LeavesSpec(2, 0.5, 10, null), Map.of(), null);
        region.apply("acme-orders", spec);
        region.apply("nobody-logs", spec);
        region.apply("demo", spec);

        api.close();
        api = new ApiFixture(api.dataDir, region);
        ApiClient acme = api.admin.withKey(acmeKey);

        assertThat(names(acme.get("/api/v1/clusters"))).containsExactly("orders");
        assertThat(names(api.admin.get("/api/v1/clusters"))).containsExactly("demo", "nobody-logs");
        JsonNode adopted = acme.get("/api/v1/operations").json().path("items").get(0);
        assertThat(adopted.path("action").asText()).isEqualTo("adopt");
        assertThat(adopted.path("cluster").asText()).isEqualTo("orders");
        assertThat(adopted.path("message").asText()).contains("acme-orders");
        // acme's in every way: its changes reach the cluster in the region
        ApiClient.Response resized = acme.post("/api/v1/clusters/orders/resize", "{\"leaves\": {\"count\": 3}}");
        assertThat(resized.status()).as(resized.body()).isEqualTo(200);
        assertThat(region.get("acme-orders").orElseThrow().spec().leaves().count()).isEqualTo(3);
    }

    @Test
    void updatesWithAStaleETagAreRefusedAndChangeNothing() {
        String etag = api.admin.post("/api/v1/clusters", ORDERS).header("ETag");
        ApiClient.Response resized = api.admin.post("/api/v1/clusters/orders/resize",
                "{\"leaves\": {\"count\": 3}, \"aggregators\": {\"height\": 1}}", Map.of("If-Match", etag));
        assertThat(resized.status()).as(resized.body()).isEqualTo(200);
        assertThat(resized.header("ETag")).isEqualTo("\"2\"");
        assertThat(resized.json().path("generation").asLong()).isEqualTo(2);
        assertThat(region.get("default-orders").orElseThrow().spec().leaves().count()).isEqualTo(3);
        assertThat(region.get("default-orders").orElseThrow().spec().aggregators().height()).isEqualTo(1.0);

        ApiClient.Response stale = api.admin.post("/api/v1/clusters/orders/upgrade", "{\"release\": \"2.18.0\"}",
                Map.of("If-Match", etag));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.contentType()).startsWith("application/problem+json");
        assertThat(region.get("default-orders").orElseThrow().spec().release()).isEqualTo("2.17.0");

        ApiClient.Response tooMany = api.admin.post("/api/v1/clusters/orders/resize", "{\"leaves\": {\"count\": 65}}");
        assertThat(tooMany.status()).isEqualTo(422);
        assertThat(fields(tooMany)).containsExactly("leaves.count");
        assertThat(region.get("default-orders").orElseThrow().spec().leaves().count()).isEqualTo(3);

        ApiClient.Response upgraded = api.admin.post("/api/v1/clusters/orders/upgrade", "{\"release\": \"2.18.0\"}",
                Map.of("If-Match", "\"2\""));
        assertThat(upgraded.status()).isEqualTo(200);
        assertThat(region.get("default-orders").orElseThrow().spec().release()).isEqualTo("2.18.0");

        ApiClient.Response badStrategy = api.admin.post("/api/v1/clusters/orders/upgrade",
                "{\"release\": \"2.18.0\", \"strategy\": \"Rolling\"}");
        assertThat(badStrategy.status()).as(badStrategy.body()).isEqualTo(422);
        assertThat(badStrategy.body()).contains("must be BlueGreen or CoordinatedRestart, got Rolling");
        assertThat(region.get("default-orders").orElseThrow().spec().release()).as("nothing changed").isEqualTo("2.18.0");
        ApiClient.Response coordinated = api.admin.post("/api/v1/clusters/orders/upgrade",
                "{\"release\": \"2.18.0\", \"strategy\": \"CoordinatedRestart\"}");
        assertThat(coordinated.status()).as(coordinated.body()).isEqualTo(200);
        assertThat(region.get("default-orders").orElseThrow().spec().upgradeStrategy()).isEqualTo("CoordinatedRestart");
        ApiClient.Response resizedAgain = api.admin.post("/api/v1/clusters/orders/resize", "{\"leaves\": {\"count\": 2}}");
        assertThat(resizedAgain.status()).isEqualTo(200);
        assertThat(region.get("default-orders").orElseThrow().spec().upgradeStrategy()).as("kept by a resize").isEqualTo("CoordinatedRestart");
    }

    /** A newer engine's storage is not read back by an older one: a downgrade is refused naming the field. */
    @Test
    void aDowngradeIsRefusedNamingTheReleaseAndNothingIsStored() {
        api.admin.post("/api/v1/clusters", ORDERS.replace("2.17.0", "2.18.0"));
        ApiClient.Response down = api.admin.post("/api/v1/clusters/orders/upgrade", "{\"release\": \"2.17.0\"}");
        assertThat(down.status()).as(down.body()).isEqualTo(422);
        assertThat(fields(down)).containsExactly("release");
        assertThat(down.json().path("errors").get(0).path("message").asText()).startsWith("2.17.0 is an older engine than the cluster's 2.18.0");
        assertThat(region.get("default-orders").orElseThrow().spec().release()).isEqualTo("2.18.0");
    }

    @Test
    void suspendResumeAndDeleteAreSpecChangesWrittenToTheRegion() {
        api.admin.post("/api/v1/clusters", ORDERS);
        assertThat(api.admin.post("/api/v1/clusters/orders/suspend", null).json().path("spec").path("suspended").asBoolean()).isTrue();
        assertThat(region.get("default-orders").orElseThrow().spec().isSuspended()).isTrue();
        // suspending a suspended cluster changes nothing
        assertThat(api.admin.post("/api/v1/clusters/orders/suspend", null).json().path("generation").asLong()).isEqualTo(2);
        assertThat(api.admin.post("/api/v1/clusters/orders/resume", null).status()).isEqualTo(200);
        assertThat(region.get("default-orders").orElseThrow().spec().isSuspended()).isFalse();

        ApiClient.Response deleted = api.admin.delete("/api/v1/clusters/orders", Map.of());
        assertThat(deleted.status()).isEqualTo(202);
        assertThat(region.get("default-orders").orElseThrow().deleting()).isTrue();
        assertThat(api.admin.get("/api/v1/clusters/orders").status()).isEqualTo(404);

        List<String> actions = new ArrayList<>();
        api.admin.get("/api/v1/operations").json().path("items").forEach(o -> actions.add(o.path("action").asText()));
        assertThat(actions).containsSubsequence("delete", "resume", "suspend", "suspend", "create");
        JsonNode last = api.admin.get("/api/v1/operations?limit=1").json().path("items").get(0);
        assertThat(last.path("actor").asText()).isEqualTo(api.admin.key().substring(4, 16));
        assertThat(last.path("outcome").asText()).isEqualTo("accepted");
    }

    /** What `canopy clusters apply -f` sends: the whole spec, in place of the stored one, checked like any change. */
    @Test
    void aWholeSpecReplacesTheStoredOneAndTheSameSpecChangesNothing() {
        api.admin.post("/api/v1/clusters", ORDERS);
        String spec = """
                {"release": "2.18.0", "redundancyLevel": 2, "aggregators": {"count": 2, "height": 0.5},
                 "leaves": {"count": 3, "height": 0.5, "storageGB": 10}, "config": {"walMode": "FSYNC"}}""";
        ApiClient.Response applied = api.admin.send("PUT", "/api/v1/clusters/orders/spec", spec, Map.of("If-Match", "\"1\""));
        assertThat(applied.status()).as(applied.body()).isEqualTo(200);
        assertThat(applied.json().path("generation").asLong()).isEqualTo(2);
        var stored = region.get("default-orders").orElseThrow().spec();
        assertThat(stored.release()).isEqualTo("2.18.0");
        assertThat(stored.aggregators().count()).isEqualTo(2);
        assertThat(stored.leaves().count()).isEqualTo(3);
        assertThat(stored.config()).containsEntry("walMode", "FSYNC");

        ApiClient.Response again = api.admin.send("PUT", "/api/v1/clusters/orders/spec", spec, Map.of());
        assertThat(again.json().path("generation").asLong()).as("the same spec again").isEqualTo(2);

        ApiClient.Response bad = api.admin.send("PUT", "/api/v1/clusters/orders/spec", spec.replace("\"count\": 3", "\"count\": 0"), Map.of());
        assertThat(bad.status()).isEqualTo(422);
        assertThat(fields(bad)).containsExactly("leaves.count");
        ApiClient.Response notAReplica = api.admin.send("PUT", "/api/v1/clusters/orders/spec",
                spec.replace("}}", "}, \"replicaOf\": {\"cluster\": \"orders\"}}"), Map.of());
        assertThat(notAReplica.status()).as(notAReplica.body()).isEqualTo(422);
        assertThat(fields(notAReplica)).containsExactly("replicaOf.cluster");
        assertThat(api.admin.send("PUT", "/api/v1/clusters/missing/spec", spec, Map.of()).status()).isEqualTo(404);
        assertThat(region.get("default-orders").orElseThrow().spec()).isEqualTo(stored);

        List<String> actions = new ArrayList<>();
        api.admin.get("/api/v1/operations?limit=3").json().path("items").forEach(o -> actions.add(o.path("action").asText()));
        assertThat(actions).containsOnly("apply");
    }

    /** spec.autoscaling goes through create, resize and a whole spec like the rest, and is refused naming its fields. */
    @Test
    void autoscalingIsStoredKeptByAResizeAndRefusedNamingItsFields() {
        String autoscaling = ", \"autoscaling\": {\"storage\": {\"maxStorageGB\": 40},"
                + " \"compute\": {\"minLeaves\": 2, \"maxLeaves\": 4}, \"suspendAfterIdle\": \"30m\"}}";
        String created = ORDERS.substring(0, ORDERS.lastIndexOf('}')) + autoscaling;
        ApiClient.Response answer = api.admin.post("/api/v1/clusters", created);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        var stored = region.get("default-orders").orElseThrow().spec();
        assertThat(stored.autoscaling()).isEqualTo(new dev.canopy.api.AutoscalingSpec(new dev.canopy.api.StorageAutoscaling(null, null, 40),
                new dev.canopy.api.ComputeAutoscaling(2, 4, null, null, null, null, null, null, null), "30m"));
        assertThat(answer.json().path("spec").path("autoscaling").path("compute").path("maxLeaves").asInt()).isEqualTo(4);

        assertThat(api.admin.post("/api/v1/clusters/orders/resize", "{\"leaves\": {\"count\": 3}}").status()).isEqualTo(200);
        assertThat(region.get("default-orders").orElseThrow().spec().autoscaling()).as("kept by a resize").isEqualTo(stored.autoscaling());
        ApiClient.Response outside = api.admin.post("/api/v1/clusters/orders/resize", "{\"leaves\": {\"count\": 5}}");
        assertThat(outside.status()).as(outside.body()).isEqualTo(422);
        assertThat(fields(outside)).containsExactly("leaves.count");

        String spec = """
                {"release": "2.17.0", "redundancyLevel": 2, "aggregators": {"count": 1, "height": 0.5},
                 "leaves": {"count": 3, "height": 0.5, "storageGB": 10},
                 "autoscaling": {"storage": {"maxStorageGB": 5, "thresholdPercent": 100},
                                 "compute": {"minLeaves": 4, "maxLeaves": 2}, "suspendAfterIdle": "30s"}}""";
        ApiClient.Response bad = api.admin.send("PUT", "/api/v1/clusters/orders/spec", spec, Map.of());
        assertThat(bad.status()).as(bad.body()).isEqualTo(422);
        assertThat(fields(bad)).containsExactlyInAnyOrder("autoscaling.storage.thresholdPercent", "autoscaling.storage.maxStorageGB",
                "autoscaling.compute.maxLeaves", "autoscaling.suspendAfterIdle");
        ApiClient.Response off = api.admin.send("PUT", "/api/v1/clusters/orders/spec",
                spec.substring(0, spec.indexOf(",\n \"autoscaling\"")) + "}", Map.of());
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(region.get("default-orders").orElseThrow().spec().autoscaling()).as("a whole spec without it turns it off").isNull();
    }

    /** A replica's whole spec names its source as the organization does: kept, it stays; left out, the replica is promoted. */
    @Test
    void aWholeSpecKeepsAReplicasSourceOrPromotesIt() {
        api.admin.post("/api/v1/clusters", ORDERS);
        api.admin.post("/api/v1/clusters", ORDERS.replace("\"orders\"", "\"other\""));
        api.admin.post("/api/v1/clusters", replica("copy", "{\"cluster\": \"orders\"}"));
        String spec = """
                {"release": "2.17.0", "redundancyLevel": 2, "aggregators": {"count": 1, "height": 0.5},
                 "leaves": {"count": 3, "height": 0.5, "storageGB": 10}, "replicaOf": {"cluster": "orders"}}""";
        ApiClient.Response kept = api.admin.send("PUT", "/api/v1/clusters/copy/spec", spec, Map.of());
        assertThat(kept.status()).as(kept.body()).isEqualTo(200);
        assertThat(kept.json().path("spec").path("replicaOf").path("cluster").asText()).isEqualTo("orders");
        assertThat(region.get("default-copy").orElseThrow().spec().replicaOf()).isEqualTo(new ReplicaOfSpec("default-orders", "local"));
        assertThat(region.get("default-copy").orElseThrow().spec().leaves().count()).isEqualTo(3);

        ApiClient.Response elsewhere = api.admin.send("PUT", "/api/v1/clusters/copy/spec", spec.replace("\"orders\"", "\"other\""), Map.of());
        assertThat(elsewhere.status()).isEqualTo(422);
        assertThat(fields(elsewhere)).containsExactly("replicaOf");

        ApiClient.Response promoted = api.admin.send("PUT", "/api/v1/clusters/copy/spec",
                spec.replace(", \"replicaOf\": {\"cluster\": \"orders\"}", ""), Map.of());
        assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
        assertThat(region.get("default-copy").orElseThrow().spec().replicaOf()).isNull();
    }

    /** A suspended cluster's nodes cannot take a resize or an upgrade: refused, naming why, and nothing stored changes. */
    @Test
    void aSuspendedClusterRefusesAResizeAndAnUpgradeUntilResumed() {
        api.admin.post("/api/v1/clusters", ORDERS);
        api.admin.post("/api/v1/clusters/orders/suspend", null);
        long generation = region.get("default-orders").orElseThrow().generation();

        ApiClient.Response resized = api.admin.post("/api/v1/clusters/orders/resize", "{\"leaves\": {\"count\": 3}}");
        assertThat(resized.status()).as(resized.body()).isEqualTo(409);
        assertThat(resized.json().path("detail").asText()).startsWith("cluster orders is suspended: resume it first, then resize it")
                .contains("spec.leaves");
        ApiClient.Response upgraded = api.admin.post("/api/v1/clusters/orders/upgrade", "{\"release\": \"2.18.0\"}");
        assertThat(upgraded.status()).as(upgraded.body()).isEqualTo(409);
        assertThat(region.get("default-orders").orElseThrow().generation()).as("nothing written to the region").isEqualTo(generation);
        assertThat(api.admin.get("/api/v1/clusters/orders").json().path("spec").path("leaves").path("count").asInt()).isEqualTo(2);

        api.admin.post("/api/v1/clusters/orders/resume", null);
        assertThat(api.admin.post("/api/v1/clusters/orders/resize", "{\"leaves\": {\"count\": 3}}").status()).isEqualTo(200);
        assertThat(region.get("default-orders").orElseThrow().spec().leaves().count()).isEqualTo(3);
    }

    @Test
    void anOrganizationSeesOnlyItsOwnClustersAndAViewerChangesNothing() {
        api.admin.post("/api/v1/clusters", ORDERS);
        ApiClient.Response acme = api.admin.post("/api/v1/organizations", "{\"name\": \"acme\"}");
        assertThat(acme.status()).as(acme.body()).isEqualTo(201);
        ApiClient acmeAdmin = api.admin.withKey(acme.json().path("adminKey").path("secret").asText());

        assertThat(acmeAdmin.get("/api/v1/clusters").json().path("items")).isEmpty();
        assertThat(acmeAdmin.get("/api/v1/clusters/orders").status()).isEqualTo(404);
        assertThat(acmeAdmin.post("/api/v1/clusters/orders/suspend", null).status()).isEqualTo(404);
        assertThat(acmeAdmin.get("/api/v1/clusters/orders/operations").status()).isEqualTo(404);
        // the same name in another organization is another cluster
        assertThat(acmeAdmin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
        assertThat(region.get("acme-orders")).isPresent();
        assertThat(acmeAdmin.post("/api/v1/organizations", "{\"name\": \"other\"}").status()).isEqualTo(403);

        ApiClient.Response viewerKey = acmeAdmin.post("/api/v1/keys", "{\"role\": \"viewer\", \"description\": \"dashboards\"}");
        assertThat(viewerKey.status()).isEqualTo(201);
        ApiClient viewer = acmeAdmin.withKey(viewerKey.json().path("secret").asText());
        assertThat(viewer.get("/api/v1/clusters/orders").status()).isEqualTo(200);
        assertThat(viewer.post("/api/v1/clusters/orders/resize", "{\"leaves\": {\"count\": 3}}").status()).isEqualTo(403);
        assertThat(viewer.delete("/api/v1/clusters/orders", Map.of()).status()).isEqualTo(403);
        assertThat(viewer.get("/api/v1/keys").status()).isEqualTo(403);
        assertThat(region.get("acme-orders").orElseThrow().spec().leaves().count()).isEqualTo(2);

        JsonNode keys = acmeAdmin.get("/api/v1/keys").json().path("items");
        assertThat(keys).hasSize(2);
        assertThat(keys.toString()).doesNotContain("secret").doesNotContain(viewerKey.json().path("secret").asText());
        String viewerId = viewerKey.json().path("key").path("id").asText();
        assertThat(acmeAdmin.delete("/api/v1/keys/" + viewerId, Map.of()).status()).isEqualTo(204);
        assertThat(viewer.get("/api/v1/clusters").status()).isEqualTo(401);
    }

    @Test
    void metricsCountRequestsByRouteAndClustersByPhase() {
        api.admin.post("/api/v1/clusters", ORDERS);
        api.admin.get("/api/v1/clusters/orders");
        String metrics = api.admin.get("/metrics").body();
        assertThat(metrics).contains("canopy_api_requests_total{method=\"GET\",route=\"/api/v1/clusters/{name}\",status=\"200\"} 1.0");
        assertThat(metrics).contains("canopy_clusters{phase=\"Pending\"} 1.0");
    }

    /** ORDERS under another name, as a replica of the given source ({@code "replicaOf": ...}). */
    private static String replica(String name, String replicaOf) {
        return ORDERS.replace("\"orders\"", "\"" + name + "\"").replace("\"region\": \"local\",",
                "\"region\": \"local\", \"replicaOf\": " + replicaOf + ",");
    }

    private static DatabaseClusterStatus replicating(long generation, String state, ReplicationStatus replication) {
        return new DatabaseClusterStatus(Phase.Ready, List.of(
                new Condition(Condition.READY, Condition.TRUE, "AllNodesReady", "every node is up", null),
                new Condition(Condition.PROGRESSING, Condition.TRUE, "Replicating", state, null)),
                generation, new NodeCounts(1, 1), new NodeCounts(4, 4), "2.17.0", null, null, null, replication);
    }

    /** A source deleted while it fed a replica left the replica waiting for good, and the answer was 202. */
    @Test
    void aSourceThatFeedsAReplicaIsNotDeletedUnlessForced() {
        assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
        assertThat(api.admin.post("/api/v1/clusters", replica("copy", "{\"cluster\": \"orders\"}")).status()).isEqualTo(201);

        ApiClient.Response refused = api.admin.delete("/api/v1/clusters/orders", Map.of());
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().path("detail").asText()).contains("feeds the replica(s) copy").contains("force=true");
        assertThat(region.get("default-orders")).as("nothing changed in the region")
                .hasValueSatisfying(c -> assertThat(c.deleting()).isFalse());

        assertThat(api.admin.delete("/api/v1/clusters/copy", Map.of()).status()).as("the replica itself goes").isEqualTo(202);
        assertThat(api.admin.post("/api/v1/clusters", replica("copy2", "{\"cluster\": \"orders\"}")).status()).isEqualTo(201);
        ApiClient.Response forced = api.admin.delete("/api/v1/clusters/orders?force=true", Map.of());
        assertThat(forced.status()).as(forced.body()).isEqualTo(202);
        assertThat(region.get("default-orders")).hasValueSatisfying(c -> assertThat(c.deleting()).isTrue());
    }

    @Test
    void aReplicaIsStoredWithItsSourcesRegionNameAndShownWithTheOrganizations() {
        assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
        ApiClient.Response created = api.admin.post("/api/v1/clusters", replica("copy", "{\"cluster\": \"orders\"}"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("spec").path("replicaOf").path("cluster").asText()).isEqualTo("orders");
        assertThat(created.json().path("spec").path("replicaOf").path("region").asText()).isEqualTo("local");
        // the region knows the source by its own name for it, in a named region
        assertThat(region.get("default-copy").orElseThrow().spec().replicaOf()).isEqualTo(new ReplicaOfSpec("default-orders", "local"));

        region.writeStatus("default-copy", replicating(1, "streaming from local/default-orders",
                new ReplicationStatus("local/default-orders", "Streaming: streaming from local/default-orders, lag 0.9 s",
                        0.9, 3271L, null, null, null)));
        JsonNode got = api.admin.get("/api/v1/clusters/copy").json();
        assertThat(got.path("spec").path("replicaOf").path("cluster").asText()).isEqualTo("orders");
        JsonNode replication = got.path("status").path("replication");
        assertThat(replication.path("source").asText()).isEqualTo("local/orders");
        assertThat(replication.path("state").asText()).isEqualTo("Streaming: streaming from local/orders, lag 0.9 s");
        assertThat(replication.path("lagSeconds").asDouble()).isEqualTo(0.9);
        assertThat(replication.path("rowsCopied").asLong()).isEqualTo(3271);
        assertThat(got.path("status").path("conditions").get(1).path("message").asText()).isEqualTo("streaming from local/orders");
        JsonNode listed = api.admin.get("/api/v1/clusters").json().path("items");
        assertThat(listed).filteredOn(c -> c.path("name").asText().equals("copy")).singleElement()
                .satisfies(c -> assertThat(c.path("status").path("replication").path("source").asText()).isEqualTo("local/orders"))
                .satisfies(c -> assertThat(c.path("spec").path("replicaOf").path("cluster").asText()).isEqualTo("orders"));

        // every other change keeps the source
        assertThat(api.admin.post("/api/v1/clusters/copy/resize", "{\"leaves\": {\"count\": 3}}").status()).isEqualTo(200);
        assertThat(api.admin.post("/api/v1/clusters/copy/upgrade", "{\"release\": \"2.18.0\"}").status()).isEqualTo(200);
        assertThat(api.admin.post("/api/v1/clusters/copy/suspend", null).status()).isEqualTo(200);
        assertThat(api.admin.post("/api/v1/clusters/copy/resume", null).status()).isEqualTo(200);
        assertThat(api.admin.post("/api/v1/clusters/copy/backup-policy", "{\"schedule\": \"6h\"}").status()).isEqualTo(200);
        var spec = region.get("default-copy").orElseThrow().spec();
        assertThat(spec.leaves().count()).isEqualTo(3);
        assertThat(spec.release()).isEqualTo("2.18.0");
        assertThat(spec.replicaOf()).isEqualTo(new ReplicaOfSpec("default-orders", "local"));
    }

    @Test
    void aReplicaOfNoSuchSourceIsRefusedNamingTheFieldAndNothingIsStored() {
        assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);

        ApiClient.Response unknown = api.admin.post("/api/v1/clusters", replica("copy", "{\"cluster\": \"nosuch\"}"));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(fields(unknown)).containsExactly("replicaOf.cluster");
        assertThat(unknown.body()).contains("no cluster named nosuch in region local");

        ApiClient.Response noRegion = api.admin.post("/api/v1/clusters",
                replica("copy", "{\"cluster\": \"orders\", \"region\": \"mars\"}"));
        assertThat(noRegion.status()).isEqualTo(422);
        assertThat(fields(noRegion)).containsExactly("replicaOf.region");
        assertThat(noRegion.body()).contains("no region named mars");

        ApiClient.Response itself = api.admin.post("/api/v1/clusters", replica("copy", "{\"cluster\": \"copy\"}"));
        assertThat(itself.status()).isEqualTo(422);
        assertThat(fields(itself)).containsExactly("replicaOf.cluster");
        assertThat(itself.body()).contains("itself");

        ApiClient.Response badName = api.admin.post("/api/v1/clusters", replica("copy", "{\"cluster\": \"Orders_1\"}"));
        assertThat(fields(badName)).containsExactly("replicaOf.cluster");
        ApiClient.Response noCluster = api.admin.post("/api/v1/clusters", replica("copy", "{\"region\": \"local\"}"));
        assertThat(fields(noCluster)).containsExactly("replicaOf.cluster");
        ApiClient.Response withBadSpec = api.admin.post("/api/v1/clusters",
                replica("copy", "{\"cluster\": \"nosuch\"}").replace("\"redundancyLevel\": 2", "\"redundancyLevel\": 3"));
        assertThat(fields(withBadSpec)).as("every problem at once").containsExactlyInAnyOrder("redundancyLevel", "replicaOf.cluster");

        // another organization's cluster of the same name is not one of this organization's
        ApiClient acme = api.admin.withKey(api.admin.post("/api/v1/organizations", "{\"name\": \"acme\"}")
                .json().path("adminKey").path("secret").asText());
        ApiClient.Response foreign = acme.post("/api/v1/clusters", replica("copy", "{\"cluster\": \"orders\"}"));
        assertThat(foreign.status()).isEqualTo(422);
        assertThat(fields(foreign)).containsExactly("replicaOf.cluster");

        assertThat(region.list()).extracting(c -> c.name()).containsExactly("default-orders");
        assertThat(api.admin.get("/api/v1/clusters/copy").status()).isEqualTo(404);
    }

    @Test
    void aReplicaIsFedAcrossRegionsOfOneKindOnly() {
        FakeRegion eu = new FakeRegion("eu", "kubernetes", List.of("2.17.0"));
        FakeRegion us = new FakeRegion("us", "kubernetes", List.of("2.17.0"));
        FakeRegion second = new FakeRegion("second", List.of("2.17.0"));
        api.close();
        api = new ApiFixture(region, second, eu, us);
        assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
        assertThat(api.admin.post("/api/v1/clusters", ORDERS.replace("\"local\"", "\"eu\"").replace("orders", "euro")).status())
                .isEqualTo(201);

        ApiClient.Response sameRegion = api.admin.post("/api/v1/clusters", replicaIn("eu", "copy", "{\"cluster\": \"euro\"}"));
        assertThat(sameRegion.status()).as(sameRegion.body()).isEqualTo(201);
        assertThat(eu.get("default-copy").orElseThrow().spec().replicaOf()).isEqualTo(new ReplicaOfSpec("default-euro", "eu"));
        ApiClient.Response betweenLocals = api.admin.post("/api/v1/clusters", replicaIn("second", "copy2", "{\"cluster\": \"orders\", \"region\": \"local\"}"));
        assertThat(betweenLocals.status()).as(betweenLocals.body()).isEqualTo(201);
        ApiClient.Response acrossKubernetes = api.admin.post("/api/v1/clusters",
                replicaIn("us", "copy3", "{\"cluster\": \"euro\", \"region\": \"eu\"}"));
        assertThat(acrossKubernetes.status()).as(acrossKubernetes.body()).isEqualTo(201);
        assertThat(us.get("default-copy3").orElseThrow().spec().replicaOf()).isEqualTo(new ReplicaOfSpec("default-euro", "eu"));

        ApiClient.Response kubernetesToLocal = api.admin.post("/api/v1/clusters",
                replicaIn("local", "copy4", "{\"cluster\": \"euro\", \"region\": \"eu\"}"));
        assertThat(kubernetesToLocal.status()).as(kubernetesToLocal.body()).isEqualTo(422);
        assertThat(fields(kubernetesToLocal)).containsExactly("replicaOf.region");
        assertThat(kubernetesToLocal.body()).contains("between kinds of regions", "make the replica in region eu");
        ApiClient.Response localToKubernetes = api.admin.post("/api/v1/clusters",
                replicaIn("eu", "copy4", "{\"cluster\": \"orders\", \"region\": \"local\"}"));
        assertThat(localToKubernetes.status()).as(localToKubernetes.body()).isEqualTo(422);
        assertThat(fields(localToKubernetes)).containsExactly("replicaOf.region");
        assertThat(localToKubernetes.body()).contains("between kinds of regions", "make the replica in region local");
        // the region's own rules still come first: there is none of that name in the replica's region
        ApiClient.Response notThere = api.admin.post("/api/v1/clusters", replicaIn("eu", "copy4", "{\"cluster\": \"orders\"}"));
        assertThat(fields(notThere)).containsExactly("replicaOf.cluster");
        assertThat(notThere.body()).contains("it is in region local");

        assertThat(api.admin.get("/api/v1/clusters/copy4").status()).isEqualTo(404);
        assertThat(region.list()).extracting(c -> c.name()).doesNotContain("default-copy4");
        assertThat(eu.list()).extracting(c -> c.name()).doesNotContain("default-copy4");
    }

    /** ORDERS under another name in the given region, as a replica of the given source ({@code "replicaOf": ...}). */
    private static String replicaIn(String regionName, String name, String replicaOf) {
        return replica(name, replicaOf).replace("\"region\": \"local\",", "\"region\": \"" + regionName + "\",");
    }

    @Test
    void promoteRemovesTheSourceAndEndsWhenTheRegionSaysItIsPromoted() {
        assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
        assertThat(api.admin.post("/api/v1/clusters", replica("copy", "{\"cluster\": \"orders\"}")).status()).isEqualTo(201);

        ApiClient.Response promoted = api.admin.post("/api/v1/clusters/copy/promote", null, Map.of("If-Match", "\"1\""));
        assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
        assertThat(promoted.json().path("spec").has("replicaOf")).isFalse();
        assertThat(promoted.json().path("generation").asLong()).isEqualTo(2);
        assertThat(region.get("default-copy").orElseThrow().spec().replicaOf()).isNull();
        JsonNode operation = api.admin.get("/api/v1/clusters/copy/operations?limit=1").json().path("items").get(0);
        assertThat(operation.path("action").asText()).isEqualTo("promote");
        assertThat(operation.path("outcome").asText()).isEqualTo("accepted");

        // Ready at the new generation but still promoting: the operation goes on
        region.writeStatus("default-copy", replicating(2, "promoting: fencing local/default-orders (read-only)",
                new ReplicationStatus("local/default-orders", "Promoting: fencing local/default-orders", 0.9, 3271L, null, null, true)));
        region.writeStatus("default-copy", replicating(2, "promoted",
                new ReplicationStatus("local/default-orders", "Promoted: every table equals the fenced source's", null, 3271L,
                        "2026-12-03T06:00:00Z", 0.9, true)));
        JsonNode ended = await("the promotion ends").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.admin.get("/api/v1/clusters/copy/operations?limit=1").json().path("items").get(0),
                        op -> !op.path("outcome").asText().equals("accepted"));
        assertThat(ended.path("outcome").asText()).isEqualTo("succeeded");
        assertThat(ended.path("message").asText()).isEqualTo("promoted at 2026-12-03T06:00:00Z, lag at promotion 0.9 s, source fenced");
        JsonNode replication = api.admin.get("/api/v1/clusters/copy").json().path("status").path("replication");
        assertThat(replication.path("promotedAt").asText()).isEqualTo("2026-12-03T06:00:00Z");
        assertThat(replication.path("source").asText()).isEqualTo("local/orders");

        ApiClient.Response again = api.admin.post("/api/v1/clusters/copy/promote", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("detail").asText()).contains("copy is no replica");
        assertThat(api.admin.post("/api/v1/clusters/orders/promote", null).status()).isEqualTo(409);
        assertThat(region.get("default-orders").orElseThrow().generation()).as("nothing changed").isEqualTo(1);
        JsonNode refused = api.admin.get("/api/v1/operations?limit=1").json().path("items").get(0);
        assertThat(refused.path("action").asText()).isEqualTo("promote");
        assertThat(refused.path("outcome").asText()).isEqualTo("refused");
    }

    private static List<String> fields(ApiClient.Response response) {
        return response.fields();
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.path("items").forEach(c -> names.add(c.path("name").asText()));
        return names;
    }

    private static List<String> names(ApiClient.Response list) {
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        list.json().path("items").forEach(c -> names.add(c.path("name").asText()));
        return names;
    }

    /** The requests sent all at once, one per thread; their answers in the order given. */
    private static List<ApiClient.Response> concurrently(int count, IntFunction<ApiClient.Response> request) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newFixedThreadPool(count)) {
            List<Future<ApiClient.Response>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                answers.add(threads.submit(() -> {
                    start.await();
                    return request.apply(n);
                }));
            }
            start.countDown();
            List<ApiClient.Response> responses = new ArrayList<>();
            for (Future<ApiClient.Response> answer : answers) {
                responses.add(answer.get());
            }
            return responses;
        }
    }
}

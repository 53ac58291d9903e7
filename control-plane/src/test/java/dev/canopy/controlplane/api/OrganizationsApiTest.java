package dev.canopy.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.controlplane.region.FakeRegion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Organizations were made by the platform's admins but could be neither listed nor deleted. */
class OrganizationsApiTest {
    private static final String ORDERS = """
            {"name": "orders", "region": "local", "release": "2.17.0", "redundancyLevel": 2,
             "aggregators": {"count": 1, "height": 0.5}, "leaves": {"count": 2, "height": 0.5, "storageGB": 10}}""";

    private FakeRegion region;
    private ApiFixture api;

    @BeforeEach
    void start() {
        region = new FakeRegion("local", List.of("2.17.0"));
        api = new ApiFixture(region);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void thePlatformsAdminsListEveryOrganizationWithItsClusters() {
        ApiClient acme = createOrganization("acme");
        createOrganization("globex");
        assertThat(acme.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
        assertThat(acme.post("/api/v1/clusters", ORDERS.replace("\"orders\"", "\"users\"")).status()).isEqualTo(201);

        ApiClient.Response listed = api.admin.get("/api/v1/organizations");
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        JsonNode items = listed.json().path("items");
        assertThat(names(items)).containsExactly("acme", "default", "globex");
        assertThat(items.get(0).path("clusters").asInt()).isEqualTo(2);
        assertThat(items.get(2).path("clusters").asInt()).isZero();
        assertThat(items.get(0).path("createdAt").asText()).isNotBlank();
    }

    @Test
    void onlyAnAdminKeyOfThePlatformListsOrDeletesOrganizations() {
        ApiClient acme = createOrganization("acme");
        createOrganization("globex");
        ApiClient member = api.admin.withKey(api.admin.post("/api/v1/keys", "{\"role\": \"member\"}").json().path("secret").asText());

        for (ApiClient refused : List.of(acme, member)) {
            assertProblem(refused.get("/api/v1/organizations"), 403);
            assertProblem(refused.delete("/api/v1/organizations/globex", Map.of()), 403);
        }
        assertProblem(api.anonymous().get("/api/v1/organizations"), 401);
        assertProblem(api.anonymous().delete("/api/v1/organizations/globex", Map.of()), 401);
        assertThat(names(api.admin.get("/api/v1/organizations").json().path("items"))).contains("globex");
    }

    @Test
    void anOrganizationWithClustersIsNotDeletedAndTheAnswerNamesThem() {
        ApiClient acme = createOrganization("acme");
        assertThat(acme.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
        assertThat(acme.post("/api/v1/clusters", ORDERS.replace("\"orders\"", "\"users\"")).status()).isEqualTo(201);

        ApiClient.Response refused = api.admin.delete("/api/v1/organizations/acme", Map.of());
        assertProblem(refused, 409);
        assertThat(refused.json().path("detail").asText()).contains("orders, users");
        assertThat(acme.get("/api/v1/clusters").status()).isEqualTo(200);
    }

    @Test
    void theDefaultOrganizationIsNotDeletedAndNoneIsNotFound() {
        ApiClient.Response platform = api.admin.delete("/api/v1/organizations/default", Map.of());
        assertProblem(platform, 409);
        assertThat(platform.json().path("detail").asText()).contains("default");
        assertThat(api.admin.get("/api/v1/clusters").status()).isEqualTo(200);

        assertProblem(api.admin.delete("/api/v1/organizations/nosuch", Map.of()), 404);
    }

    @Test
    void deletingAnOrganizationStopsItsKeysAndForgetsItsAnswersSoItsNameCanBeUsedAgain() {
        ApiClient acme = createOrganization("acme");
        ApiClient viewer = acme.withKey(acme.post("/api/v1/keys", "{\"role\": \"viewer\"}").json().path("secret").asText());
        ApiClient.Response created = acme.post("/api/v1/clusters", ORDERS, Map.of("Idempotency-Key", "orders-1"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(acme.delete("/api/v1/clusters/orders", Map.of()).status()).isEqualTo(202);

        ApiClient.Response deleted = api.admin.delete("/api/v1/organizations/acme", Map.of());
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(acme.get("/api/v1/clusters").status()).isEqualTo(401);
        assertThat(viewer.get("/api/v1/clusters").status()).isEqualTo(401);
        assertThat(names(api.admin.get("/api/v1/organizations").json().path("items"))).containsExactly("default");
        assertProblem(api.admin.delete("/api/v1/organizations/acme", Map.of()), 404);
        JsonNode audit = api.admin.get("/api/v1/operations").json().path("items").get(0);
        assertThat(audit.path("action").asText()).isEqualTo("delete-organization");
        assertThat(audit.path("request").asText()).contains("acme");

        // a new acme starts with nothing of the old one's: the old one would refuse another request with the same
        // Idempotency-Key (422); and no audit log
        ApiClient newAcme = createOrganization("acme");
        ApiClient.Response again = newAcme.post("/api/v1/clusters", ORDERS.replace("\"orders\"", "\"users\""),
                Map.of("Idempotency-Key", "orders-1"));
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isNull();
        assertThat(newAcme.get("/api/v1/operations").json().path("items")).extracting(op -> op.path("action").asText())
                .containsExactly("create");
    }

    private ApiClient createOrganization(String name) {
        ApiClient.Response created = api.admin.post("/api/v1/organizations", "{\"name\": \"" + name + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return api.admin.withKey(created.json().path("adminKey").path("secret").asText());
    }

    private static void assertProblem(ApiClient.Response answer, int status) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith(ApiServer.PROBLEM_JSON);
    }

    private static List<String> names(JsonNode items) {
        List<String> names = new ArrayList<>();
        items.forEach(item -> names.add(item.path("name").asText()));
        return names;
    }
}

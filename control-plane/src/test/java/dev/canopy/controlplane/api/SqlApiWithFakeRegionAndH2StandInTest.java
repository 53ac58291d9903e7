package dev.canopy.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.controlplane.region.FakeRegion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /clusters/{name}/sql} against a region in memory whose cluster's JDBC URL is an H2 database in this JVM,
 * standing in for the cluster's aggregators (a real database, not Ignite: the route's Ignite path runs on real nodes
 * in {@code DatabaseUsersApiProcessesTest}). Results with their columns and typed values, the row and time limits,
 * and each refusal with the field and reason: a viewer key, bad JSON, out-of-range limits, a refused statement, a
 * refused login, a cluster not ready, a cluster not answering.
 */
class SqlApiWithFakeRegionAndH2StandInTest {
    private final String h2Url = "jdbc:h2:mem:sql-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private FakeRegion region;
    private ApiFixture api;
    private ApiClient member;

    @BeforeEach
    void start() {
        region = new FakeRegion("local", List.of("2.17.0"));
        api = new ApiFixture(region);
        member = api.admin.withKey(api.admin.post("/api/v1/keys", "{\"role\": \"member\"}").json().path("secret").asText());
        assertThat(api.admin.post("/api/v1/clusters", cluster("orders")).status()).isEqualTo(201);
        region.writeStatus("default-orders", ready(h2Url));
    }

    @AfterEach
    void stop() throws Exception {
        try (Connection c = DriverManager.getConnection(h2Url); Statement st = c.createStatement()) {
            st.execute("SHUTDOWN");
        } finally {
            api.close();
        }
    }

    @Test
    void aMemberKeyRunsStatementsAndGetsColumnsTypedRowsAndCounts() {
        ApiClient.Response created = sql(member, "{\"sql\": \"CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR, big BIGINT, price DECIMAL(10,2))\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().path("updateCount").asLong()).isZero();
        ApiClient.Response inserted = sql(member, "{\"sql\": \"INSERT INTO t VALUES (1, 'one', 9007199254740993, 1.50),"
                + " (2, 'two', 7, 2.00), (3, NULL, NULL, NULL)\"}");
        assertThat(inserted.json().path("updateCount").asLong()).as(inserted.body()).isEqualTo(3);

        ApiClient.Response selected = sql(member, "{\"sql\": \"SELECT id, name, big, price FROM t ORDER BY id\"}");
        assertThat(selected.status()).as(selected.body()).isEqualTo(200);
        assertThat(selected.header("Cache-Control")).as("the cluster's data, kept by no cache").isEqualTo("no-store");
        JsonNode result = selected.json();
        assertThat(result.path("columns").findValuesAsText("name")).containsExactly("ID", "NAME", "BIG", "PRICE");
        assertThat(result.path("columns").get(0).path("type").asText()).isEqualTo("INTEGER");
        assertThat(result.path("rowCount").asInt()).isEqualTo(3);
        assertThat(result.path("truncated").asBoolean()).isFalse();
        JsonNode first = result.path("rows").get(0);
        assertThat(first.get(0).isInt()).isTrue();
        assertThat(first.get(1).asText()).isEqualTo("one");
        assertThat(first.get(2).isTextual()).as("beyond 2^53: digits in a string, not rounded").isTrue();
        assertThat(first.get(2).asText()).isEqualTo("9007199254740993");
        assertThat(first.get(3).asText()).isEqualTo("1.50");
        assertThat(result.path("rows").get(1).get(2).isNumber()).isTrue();
        assertThat(result.path("rows").get(2).get(1).isNull()).isTrue();
    }

    @Test
    void theRowLimitCutsTheResultAndSaysSoAndTheTimeLimitCancelsTheStatement() {
        JsonNode cut = sql(member, "{\"sql\": \"SELECT X FROM SYSTEM_RANGE(1, 10)\", \"maxRows\": 3}").json();
        assertThat(cut.path("rows")).hasSize(3);
        assertThat(cut.path("truncated").asBoolean()).isTrue();
        JsonNode whole = sql(member, "{\"sql\": \"SELECT X FROM SYSTEM_RANGE(1, 10)\", \"maxRows\": 10}").json();
        assertThat(whole.path("rows")).hasSize(10);
        assertThat(whole.path("truncated").asBoolean()).isFalse();

        long started = System.nanoTime();
        ApiClient.Response slow = sql(member, "{\"sql\": \"SELECT COUNT(*) FROM SYSTEM_RANGE(1, 1000000) a, SYSTEM_RANGE(1, 1000000) b\","
                + " \"timeoutSeconds\": 1}");
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertProblem(slow, 504, "ran over its time limit of 1 s and was cancelled");
        assertThat(slow.fields()).containsExactly("timeoutSeconds");
        assertThat(seconds).as("cancelled near its limit, not run to the end").isLessThan(15);
    }

    @Test
    void aViewerKeyIsRefusedBeforeTheStatementIsRead() {
        ApiClient viewer = api.admin.withKey(api.admin.post("/api/v1/keys", "{\"role\": \"viewer\"}").json().path("secret").asText());
        assertProblem(sql(viewer, "{\"sql\": \"DROP TABLE t\"}"), 403, "running SQL on a cluster needs a member or admin key");
        assertProblem(sql(viewer, "not json"), 403, "viewer key");
        assertProblem(sql(api.anonymous(), "{\"sql\": \"SELECT 1\"}"), 401, "");
    }

    @Test
    void badRequestsAreRefusedNamingTheFieldAndTheReason() {
        ApiClient.Response wrongType = sql(member, "{\"sql\": \"SELECT 1\", \"maxRows\": \"ten\"}");
        assertProblem(wrongType, 400, "must be a whole number");
        assertThat(wrongType.fields()).containsExactly("maxRows");
        ApiClient.Response unknown = sql(member, "{\"sql\": \"SELECT 1\", \"limit\": 5}");
        assertProblem(unknown, 400, "unknown field limit");
        assertThat(unknown.json().path("errors").get(0).path("message").asText()).contains("maxRows", "timeoutSeconds");
        assertProblem(sql(member, ""), 400, "needs a JSON body");

        ApiClient.Response outOfRange = sql(member, "{\"sql\": \" \", \"maxRows\": 0, \"timeoutSeconds\": 301}");
        assertProblem(outOfRange, 422, "3 fields are invalid");
        assertThat(outOfRange.fields()).containsExactly("sql", "maxRows", "timeoutSeconds");
        assertThat(outOfRange.json().path("errors").toString()).contains("must be 1 to 10000, got 0", "must be 1 to 300, got 301");
        ApiClient.Response noPassword = sql(member, "{\"sql\": \"SELECT 1\", \"user\": \"app\"}");
        assertProblem(noPassword, 422, "the platform keeps no user's password");
        assertThat(noPassword.fields()).containsExactly("password");

        // the platform's own login must stay the platform's: no statement of a key changes it, nor makes users behind
        // the users API's back, whatever the comments or the statements before it
        for (String managing : List.of("ALTER USER \\\"ignite\\\" WITH PASSWORD 'mine'", "SELECT 1; create user app with password 'x'",
                "DROP/**/USER app", "alter -- a comment\\n user app with password 'y'")) {
            ApiClient.Response users = sql(member, "{\"sql\": \"" + managing + "\"}");
            assertProblem(users, 422, "manages database users");
            assertThat(users.fields()).containsExactly("sql");
        }
        assertThat(sql(member, "{\"sql\": \"SELECT 'create user' AS said\"}").status()).as("refused too: string contents are not told apart")
                .isEqualTo(422);

        ApiClient.Response refused = sql(member, "{\"sql\": \"SELEC 1\"}");
        assertProblem(refused, 422, "Syntax error");
        assertThat(refused.json().path("title").asText()).isEqualTo("Statement failed");
        assertThat(refused.json().path("detail").asText()).as("one line").doesNotContain("\n");
        assertThat(refused.fields()).containsExactly("sql");

        ApiClient.Response login = sql(member, "{\"sql\": \"SELECT 1\", \"user\": \"nobody\", \"password\": \"guess-1\"}");
        assertProblem(login, 422, "refused the login of user nobody");
        assertThat(login.fields()).containsExactly("password");
        assertThat(login.body()).as("the password in no answer").doesNotContain("guess-1");
    }

    @Test
    void aClusterNotReadyOrNotAnsweringOrAnotherOrganizationsIsAProblemSayingWhich() throws Exception {
        assertThat(api.admin.post("/api/v1/clusters", cluster("fresh")).status()).isEqualTo(201);
        assertProblem(sql(member, "{\"sql\": \"SELECT 1\"}", "fresh"), 409, "cluster fresh takes no SQL yet: no aggregator is ready (phase Pending)");
        assertProblem(sql(member, "{\"sql\": \"SELECT 1\"}", "nosuch"), 404, "no cluster named nosuch");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThat(api.admin.post("/api/v1/clusters", cluster("gone")).status()).isEqualTo(201);
        region.writeStatus("default-gone", ready("jdbc:ignite:thin://127.0.0.1:" + closedPort));
        ApiClient.Response unreachable = sql(member, "{\"sql\": \"SELECT 1\", \"timeoutSeconds\": 5}", "gone");
        assertProblem(unreachable, 502, "cannot reach cluster gone's aggregators");
        assertThat(unreachable.json().path("title").asText()).isEqualTo("Cluster unreachable");

        ApiClient other = api.admin.withKey(api.admin.post("/api/v1/organizations", "{\"name\": \"globex\"}")
                .json().path("adminKey").path("secret").asText());
        assertProblem(sql(other, "{\"sql\": \"SELECT 1\"}"), 404, "no cluster named orders");
    }

    private static ApiClient.Response sql(ApiClient client, String body) {
        return sql(client, body, "orders");
    }

    private static ApiClient.Response sql(ApiClient client, String body, String cluster) {
        return client.post("/api/v1/clusters/" + cluster + "/sql", body);
    }

    private static void assertProblem(ApiClient.Response answer, int status, String detail) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith(ApiServer.PROBLEM_JSON);
        assertThat(answer.json().path("detail").asText() + answer.json().path("errors")).contains(detail);
    }

    private static String cluster(String name) {
        return """
                {"name": "%s", "release": "2.17.0", "redundancyLevel": 1,
                 "aggregators": {"count": 1, "height": 0.25}, "leaves": {"count": 1, "height": 0.25, "storageGB": 1}}""".formatted(name);
    }

    private static DatabaseClusterStatus ready(String jdbcUrl) {
        return new DatabaseClusterStatus(Phase.Ready, List.of(
                new Condition(Condition.READY, Condition.TRUE, "Nodes", "", null)),
                1L, new NodeCounts(1, 1), new NodeCounts(2, 2), "2.17.0", new Endpoints(jdbcUrl, List.of()), null, null);
    }
}

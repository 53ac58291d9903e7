package dev.canopy.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.controlplane.audit.RefusedLogins;
import dev.canopy.controlplane.region.LocalClusterRegion;
import dev.canopy.engine.ignite.AdminSecretFiles;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.region.local.ClusterStore;
import dev.canopy.region.local.ClusterUsers;
import dev.canopy.region.local.LocalRegion;
import dev.canopy.region.local.RegionListener;
import dev.canopy.runtime.local.LocalRuntime;
import dev.canopy.runtime.local.ReleaseCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Database users through the API on a real cluster of node processes with the engine's authentication on: a user made
 * by the API logs in with the password its answer gave, through the JDBC URL it gave, and writes and reads; a rotated-out
 * password and a deleted user are refused by the engine; a viewer key, another organization, a reserved or bad name, a
 * user that exists or does not are each answered with a problem naming why. The API's SQL route runs statements on
 * the same cluster, over its TLS, as the platform's login or as the user with its password, within its row and time
 * limits. The password is in no answer but the one that made it, and in no file of the data directory.
 */
class DatabaseUsersApiProcessesTest {
    private static final String REFUSED = "The user name or password is incorrect";
    private static final String SHOP = """
            {"name": "shop", "release": "2.17.0", "redundancyLevel": 1,
             "aggregators": {"count": 1, "height": 0.25}, "leaves": {"count": 1, "height": 0.25, "storageGB": 1}}""";

    @Test
    void usersMadeThroughTheApiLogInUntilRotatedOrDeleted(@TempDir Path regionDir) throws Exception {
        ReleaseCatalog releases = ReleaseCatalog.fromSystemProperties();
        ClusterStore store = new ClusterStore(regionDir);
        LocalRuntime runtime = new LocalRuntime(regionDir, releases, "127.0.0.1", Duration.ofSeconds(20));
        IgniteEngine engine = IgniteEngine.local(new AdminSecretFiles(store::adminSecretFile, store::authenticationMarker, store::tlsDirectory, store::tlsMarker));
        ClusterUsers users = new ClusterUsers(store, runtime, engine, Clock.systemUTC());
        try (LocalRegion region = new LocalRegion(store, runtime, engine, new RegionListener() { }, Clock.systemUTC());
             ApiFixture api = new ApiFixture(new LocalClusterRegion(store, releases::available, users))) {
            region.start();
            ApiClient acme = api.admin.withKey(api.admin.post("/api/v1/organizations", "{\"name\": \"acme\"}")
                    .json().path("adminKey").path("secret").asText());
            ApiClient viewer = acme.withKey(acme.post("/api/v1/keys", "{\"role\": \"viewer\"}").json().path("secret").asText());
            ApiClient other = api.admin.withKey(api.admin.post("/api/v1/organizations", "{\"name\": \"globex\"}")
                    .json().path("adminKey").path("secret").asText());
            assertThat(acme.post("/api/v1/clusters", SHOP).status()).isEqualTo(201);
            await("shop Ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> acme.get("/api/v1/clusters/shop").json().path("phase").asText(), "Ready"::equals);

            ApiClient.Response created = acme.post("/api/v1/clusters/shop/users", "{\"name\": \"app\"}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.header("Cache-Control")).isEqualTo("no-store");
            assertThat(created.header("Location")).isEqualTo("/api/v1/clusters/shop/users/app");
            JsonNode login = created.json();
            String password = login.path("password").asText();
            String url = login.path("jdbcUrl").asText();
            assertThat(login.path("user").asText()).isEqualTo("app");
            assertThat(password).hasSizeGreaterThanOrEqualTo(32);
            assertThat(url).startsWith("jdbc:ignite:thin://127.0.0.1:");

            // the URL and password the answer gave: a table made, written and read back
            try (Connection sql = DriverManager.getConnection(url + "&user=app&password=" + password); Statement st = sql.createStatement()) {
                st.executeUpdate("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR)");
                st.executeUpdate("INSERT INTO t VALUES (1, 'one')");
            }
            assertThat(readRow(url, "app", password)).isEqualTo("one");

            // the API's SQL route reaches the same table over TLS: as the platform's login, or as the user with its password
            String select = "{\"sql\": \"SELECT id, v FROM t\"";
            JsonNode asPlatform = sqlOk(acme, select + "}");
            assertThat(asPlatform.path("user").asText()).isEqualTo("ignite");
            assertThat(asPlatform.path("rows").toString()).isEqualTo("[[1,\"one\"]]");
            JsonNode asApp = sqlOk(acme, select + ", \"user\": \"app\", \"password\": \"" + password + "\"}");
            assertThat(asApp.path("user").asText()).isEqualTo("app");
            assertThat(asApp.path("rows").toString()).isEqualTo("[[1,\"one\"]]");
            assertThat(sqlOk(acme, "{\"sql\": \"INSERT INTO t VALUES (2, 'two')\", \"user\": \"app\", \"password\": \""
                    + password + "\"}").path("updateCount").asInt()).isEqualTo(1);
            JsonNode cut = sqlOk(acme, "{\"sql\": \"SELECT X FROM SYSTEM_RANGE(1, 10)\", \"maxRows\": 4}");
            assertThat(cut.path("rows")).hasSize(4);
            assertThat(cut.path("truncated").asBoolean()).isTrue();
            ApiClient.Response badLogin = acme.post("/api/v1/clusters/shop/sql", select + ", \"user\": \"app\", \"password\": \"wrong\"}");
            assertProblem(badLogin, 422, "refused the login of user app");
            assertThat(badLogin.fields()).containsExactly("password");
            ApiClient.Response badSql = acme.post("/api/v1/clusters/shop/sql", "{\"sql\": \"SELEC 1\"}");
            assertProblem(badSql, 422, "Failed to parse query");
            assertThat(badSql.json().path("detail").asText()).doesNotContain("\n");
            assertProblem(acme.post("/api/v1/clusters/shop/sql", "{\"sql\": \"SELECT COUNT(*) FROM SYSTEM_RANGE(1, 30000) a,"
                    + " SYSTEM_RANGE(1, 30000) b\", \"timeoutSeconds\": 1}"), 504, "ran over its time limit of 1 s");
            assertProblem(viewer.post("/api/v1/clusters/shop/sql", select + "}"), 403, "member or admin key");
            assertProblem(other.post("/api/v1/clusters/shop/sql", select + "}"), 404, "no cluster named shop");
            sqlOk(acme, "{\"sql\": \"DELETE FROM t WHERE id = 2\"}");

            // over TLS only: the same login in plain text is refused; the authority the API hands out is the one
            // the cluster's certificate chains to (a trust store of the client's own, made from it, connects)
            assertThat(url).contains("?sslMode=require&");
            String plain = url.substring(0, url.indexOf('?'));
            assertThatThrownBy(() -> readRow(plain, "app", password)).as("plain text").isInstanceOf(SQLException.class);
            ApiClient.Response ca = viewer.get("/api/v1/clusters/shop/ca.pem");
            assertThat(ca.status()).as(ca.body()).isEqualTo(200);
            assertThat(ca.header("Content-Type")).startsWith("application/x-pem-file");
            assertThat(ca.body()).startsWith("-----BEGIN CERTIFICATE-----");
            assertProblem(other.get("/api/v1/clusters/shop/ca.pem"), 404, "no cluster named shop");
            Path ownTrustStore = trustStore(ca.body(), regionDir.resolve("client-truststore.p12"));
            String ownUrl = plain + "?sslMode=require&sslTrustCertificateKeyStoreUrl=" + ownTrustStore
                    + "&sslTrustCertificateKeyStorePassword=changeit&sslTrustCertificateKeyStoreType=PKCS12"
                    + "&sslClientCertificateKeyStoreUrl=" + ownTrustStore
                    + "&sslClientCertificateKeyStorePassword=changeit&sslClientCertificateKeyStoreType=PKCS12";
            assertThat(readRow(ownUrl, "app", password)).as("with a trust store made from ca.pem").isEqualTo("one");

            JsonNode listed = acme.get("/api/v1/clusters/shop/users").json();
            assertThat(listed.path("items")).hasSize(1);
            assertThat(listed.path("items").get(0).path("user").asText()).isEqualTo("app");
            assertThat(listed.toString()).doesNotContain(password).doesNotContain("password\"");
            assertThat(viewer.get("/api/v1/clusters/shop/users").status()).isEqualTo(200);

            // refused, each with its reason, and nothing changed by them
            assertProblem(viewer.post("/api/v1/clusters/shop/users", "{\"name\": \"spy\"}"), 403, "viewer");
            assertProblem(viewer.post("/api/v1/clusters/shop/users/app/password", null), 403, "viewer");
            assertProblem(viewer.delete("/api/v1/clusters/shop/users/app", Map.of()), 403, "viewer");
            assertProblem(other.get("/api/v1/clusters/shop/users"), 404, "no cluster named shop");
            assertProblem(other.post("/api/v1/clusters/shop/users", "{\"name\": \"spy\"}"), 404, "no cluster named shop");
            assertProblem(other.post("/api/v1/clusters/shop/users/app/password", null), 404, "no cluster named shop");
            assertProblem(acme.post("/api/v1/clusters/shop/users", "{\"name\": \"ignite\"}"), 422, "platform's own login");
            assertProblem(acme.post("/api/v1/clusters/shop/users", "{\"name\": \"x'; DROP\"}"), 422, "must start with a letter");
            assertProblem(acme.post("/api/v1/clusters/shop/users", "{\"name\": \"app\"}"), 409, "exists already");
            assertProblem(acme.post("/api/v1/clusters/shop/users/nobody/password", null), 404, "no user nobody");
            assertProblem(acme.delete("/api/v1/clusters/shop/users/nobody", Map.of()), 404, "no user nobody");
            assertThat(readRow(url, "app", password)).isEqualTo("one");

            ApiClient.Response rotated = acme.post("/api/v1/clusters/shop/users/app/password", null);
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
            String newPassword = rotated.json().path("password").asText();
            assertThat(newPassword).isNotEqualTo(password);
            assertRefused(url, "app", password, "the rotated-out password");
            assertThat(readRow(url, "app", newPassword)).isEqualTo("one");

            assertThat(acme.delete("/api/v1/clusters/shop/users/app", Map.of()).status()).isEqualTo(204);
            assertRefused(url, "app", newPassword, "a deleted user");
            assertThat(acme.get("/api/v1/clusters/shop/users").json().path("items")).isEmpty();

            // the engine's refusals reach the cluster's events, counted by the telemetry (the engine names no one)
            await("refused logins in the events").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> acme.get("/api/v1/clusters/shop/events").json().path("items").findValuesAsText("reason")
                            .contains(RefusedLogins.REASON));

            // the audit log: who did what to which user; the passwords in no answer since and in no file
            JsonNode operations = acme.get("/api/v1/clusters/shop/operations").json().path("items");
            assertThat(operations).extracting(o -> o.path("action").asText() + " " + o.path("outcome").asText()).startsWith(
                    "delete-user succeeded", "rotate-password succeeded", "delete-user refused", "rotate-password refused",
                    "create-user refused", "create-user refused", "create-user refused");
            assertThat(operations.toString()).doesNotContain(password).doesNotContain(newPassword);
            assertThat(filesContaining(regionDir, password, newPassword)).isEmpty();
            assertThat(filesContaining(api.dataDir, password, newPassword)).isEmpty();
        }
    }

    private static JsonNode sqlOk(ApiClient client, String body) {
        ApiClient.Response answer = client.post("/api/v1/clusters/shop/sql", body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static Path trustStore(String pem, Path file) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "changeit".toCharArray());
        }
        return file;
    }

    private static String readRow(String url, String user, String password) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", user);
        login.setProperty("password", password);
        try (Connection sql = DriverManager.getConnection(url, login); Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT v FROM t WHERE id = 1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void assertRefused(String url, String user, String password, String what) {
        assertThatThrownBy(() -> readRow(url, user, password)).as(what).isInstanceOf(SQLException.class).hasMessageContaining(REFUSED);
    }

    private static void assertProblem(ApiClient.Response answer, int status, String detail) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith(ApiServer.PROBLEM_JSON);
        assertThat(answer.json().path("detail").asText() + answer.json().path("errors")).contains(detail);
    }

    private static List<Path> filesContaining(Path dir, String... secrets) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                    return Stream.of(secrets).anyMatch(text::contains);
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        }
    }
}

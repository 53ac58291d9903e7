package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.backup.BackupRecord;
import dev.canopy.backup.BackupState;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.engine.ignite.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

/**
 * A cluster of the local region runs with the engine's authentication on, as the platform runs it: the engine's default
 * superuser password no longer works, the platform's admin secret is kept readable by its owner only, and a real JDBC
 * client is refused with no login, the default one, a wrong password, a deleted user and a rotated-out password.
 */
class AuthenticationProcessesTest {
    private static final String CLUSTER = "auth-itest";
    private static final DatabaseClusterSpec SPEC = new DatabaseClusterSpec("2.17.0", 1,
            new AggregatorsSpec(1, 0.25), new LeavesSpec(1, 0.25, 1, null), Map.of(), false);
    /** The thin driver's refusal of a login, whatever the reason: it names no user that exists or not. */
    private static final String REFUSED = "The user name or password is incorrect";

    @TempDir
    Path dataDir;
    private RegionFixture fixture;

    @AfterEach
    void stopEverything() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** A region as the platform runs it: authentication on, backups taken. */
    private RegionFixture region(boolean authentication) {
        fixture = new RegionFixture(dataDir, PlannerPolicy.DEFAULTS, true, Clock.systemUTC(), authentication);
        return fixture;
    }

    @Test
    void onlyTheRightLoginsGetIn() throws Exception {
        region(true);
        long generation = fixture.apply(CLUSTER, SPEC);
        DatabaseClusterStatus ready = fixture.awaitPhase(CLUSTER, generation, Phase.Ready, Duration.ofMinutes(3));
        String url = ready.endpoints().jdbcUrl();

        Path secret = fixture.store.adminSecretFile(CLUSTER);
        assertThat(secret).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
        Credentials admin = fixture.engine.adminLogin(CLUSTER);
        assertThat(admin.user()).isEqualTo("ignite");
        assertThat(admin.password()).isNotEqualTo("ignite").hasSizeGreaterThanOrEqualTo(32);
        assertThat(admin.toString()).doesNotContain(admin.password());

        // the takeover runs on the pass after activation: until then the default login may still be the one
        org.awaitility.Awaitility.await("the engine's default password replaced").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500)).until(() -> refused(url, Credentials.ENGINE_DEFAULT.jdbcProperties()));
        assertRefused(url, new Properties(), "no credentials");
        assertRefused(url, Credentials.ENGINE_DEFAULT.jdbcProperties(), "the engine's default ignite/ignite");
        assertRefused(url, new Credentials("ignite", admin.password() + "x").jdbcProperties(), "a wrong password");

        try (Connection sql = DriverManager.getConnection(url, admin.jdbcProperties()); Statement st = sql.createStatement()) {
            st.executeUpdate("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR) WITH \"template=canopy\"");
            st.executeUpdate("INSERT INTO t VALUES (1, 'one')");
            st.executeUpdate("CREATE USER \"app\" WITH PASSWORD 'first-password'");
        }
        Credentials app = new Credentials("app", "first-password");
        assertThat(readRow(url, app)).isEqualTo("one");
        // the URL the platform prints, with the login in it, as docs/using.md says a client may give it
        try (Connection sql = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "user=app&password=first-password");
             Statement st = sql.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }

        try (Connection sql = DriverManager.getConnection(url, admin.jdbcProperties()); Statement st = sql.createStatement()) {
            st.executeUpdate("ALTER USER \"app\" WITH PASSWORD 'second-password'");
        }
        assertRefused(url, app.jdbcProperties(), "a rotated-out password");
        Credentials rotated = new Credentials("app", "second-password");
        assertThat(readRow(url, rotated)).isEqualTo("one");

        try (Connection sql = DriverManager.getConnection(url, admin.jdbcProperties()); Statement st = sql.createStatement()) {
            st.executeUpdate("DROP USER \"app\"");
        }
        assertRefused(url, rotated.jdbcProperties(), "a deleted user");

        // the platform's own calls log in: the region's observations (thin client), its baseline (control utility)
        // and a backup (control utility's snapshot, thin client's row counts)
        BackupRecord backup = fixture.backups().backup(CLUSTER);
        assertThat(backup.state()).as("backup: %s", backup).isEqualTo(BackupState.Succeeded);
        // and a restore into a new cluster (its own secret): the control utility's snapshot restore, then the row count
        long restoredGeneration = fixture.store.applyRestore(new dev.canopy.api.ClusterManifest("restored", SPEC),
                dev.canopy.runtime.local.ReleaseCatalog.fromSystemProperties().available(),
                new dev.canopy.api.RestoreSource(backup.id(), null)).generation();
        String restoredUrl = fixture.awaitPhase("restored", restoredGeneration, Phase.Ready, Duration.ofMinutes(4)).endpoints().jdbcUrl();
        Credentials restoredAdmin = fixture.engine.adminLogin("restored");
        assertThat(restoredAdmin.password()).isNotEqualTo(admin.password());
        assertThat(readRow(restoredUrl, restoredAdmin)).isEqualTo("one");
        assertRefused(restoredUrl, Credentials.ENGINE_DEFAULT.jdbcProperties(), "the restored cluster's ignite/ignite");
        assertThat(fixture.failures).isEmpty();
        assertThat(filesContaining(admin.password())).as("files holding the secret").containsExactly(secret);
        assertThat(fixture.store.authenticationMarker(CLUSTER)).exists();
        assertThat(Files.readString(fixture.store.clusterDir(CLUSTER).resolve("nodes/aggregator-0/node.xml")))
                .contains("<property name=\"authenticationEnabled\" value=\"true\"/>");
    }

    /**
     * Ignite refuses a node whose security differs from its cluster's, so a cluster whose nodes ran without
     * authentication (made before it, its storage kept) comes back as it ran: a restarted node must still join.
     */
    @Test
    void aClusterFromBeforeAuthenticationComesBackAsItRan() throws Exception {
        region(false);
        long generation = fixture.apply(CLUSTER, SPEC);
        String url = fixture.awaitPhase(CLUSTER, generation, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        try (Connection sql = DriverManager.getConnection(url); Statement st = sql.createStatement()) {
            st.executeUpdate("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR) WITH \"template=canopy\"");
            st.executeUpdate("INSERT INTO t VALUES (1, 'one')");
        }
        // the test's nodes end with its region: the platform of the next version finds the storage only
        fixture.close();
        fixture = null;

        region(true);
        String back = org.awaitility.Awaitility.await("the cluster back, serving its row").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> readRow(fixture.status(CLUSTER).endpoints().jdbcUrl(), Credentials.NONE), "one"::equals);
        assertThat(back).isEqualTo("one");
        // a login sent to it is ignored, as the platform's tools send the cluster's secret once a fresh deployment of it
        // (blue/green's green) has one, while this one still serves
        assertThat(readRow(fixture.status(CLUSTER).endpoints().jdbcUrl(), new Credentials("ignite", "not-its-password"))).isEqualTo("one");
        assertThat(fixture.store.authenticationMarker(CLUSTER)).doesNotExist();
        assertThat(Files.readString(fixture.store.clusterDir(CLUSTER).resolve("nodes/leaf-ag1-0/node.xml")))
                .doesNotContain("authenticationEnabled");
        assertThat(fixture.failures).isEmpty();
    }

    /**
     * Change capture and the switchover's copies log in: the source's tables made in the target through the engine
     * (JDBC), then the source's changes streamed by the capture processes, whose consumer reads the target's secret file.
     */
    @Test
    void changesStreamIntoATargetThatTakesOnlyItsLogin() throws Exception {
        region(true);
        DatabaseClusterSpec sourceSpec = new DatabaseClusterSpec("2.17.0", 1, new AggregatorsSpec(1, 0.25),
                new LeavesSpec(1, 0.25, 1, null), Map.of("cdcWalForceArchiveTimeoutMs", "1000"), false);
        long sourceGeneration = fixture.apply("source", sourceSpec);
        long targetGeneration = fixture.apply("target", SPEC);
        String sourceUrl = fixture.awaitPhase("source", sourceGeneration, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        String targetUrl = fixture.awaitPhase("target", targetGeneration, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        Credentials sourceLogin = fixture.engine.adminLogin("source");
        Credentials targetLogin = fixture.engine.adminLogin("target");
        assertThat(sourceLogin.password()).isNotEqualTo(targetLogin.password());
        try (Connection sql = DriverManager.getConnection(sourceUrl, sourceLogin.jdbcProperties()); Statement st = sql.createStatement()) {
            st.executeUpdate("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR) WITH \"template=canopy\"");
        }
        dev.canopy.core.Topology source = new dev.canopy.core.Topology("source", sourceSpec,
                fixture.runtime.place("source", dev.canopy.core.DesiredNodes.all(sourceSpec)));
        dev.canopy.core.Topology target = new dev.canopy.core.Topology("target", SPEC,
                fixture.runtime.place("target", dev.canopy.core.DesiredNodes.all(SPEC)));
        assertThat(fixture.engine.copySchema(source, target)).isNotEmpty();

        fixture.region.replicate("source", new dev.canopy.core.ReplicationTarget("target",
                target.aggregators().stream().map(dev.canopy.core.NodePlacement::sqlAddress).toList()));
        try (Connection sql = DriverManager.getConnection(sourceUrl, sourceLogin.jdbcProperties()); Statement st = sql.createStatement()) {
            for (int i = 0; i < 100; i++) {
                st.executeUpdate("INSERT INTO t VALUES (" + i + ", 'v" + i + "')");
            }
        }
        long streamed = org.awaitility.Awaitility.await("the rows streamed into the target").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> count(targetUrl, targetLogin), n -> n == 100);
        assertThat(streamed).isEqualTo(100);
        assertThat(Files.readString(fixture.store.clusterDir("source").resolve("captures/leaf-ag1-0/cdc.xml")))
                .contains(fixture.store.adminSecretFile("target").toString()).doesNotContain(targetLogin.password());
        assertThat(fixture.engine.digest(target)).isEqualTo(fixture.engine.digest(source));
    }

    private static long count(String url, Credentials login) throws SQLException {
        try (Connection sql = DriverManager.getConnection(url, login.jdbcProperties()); Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean refused(String url, Properties login) {
        try (Connection ignored = DriverManager.getConnection(url, login)) {
            return false;
        } catch (SQLException e) {
            return e.getMessage() != null && e.getMessage().contains(REFUSED);
        }
    }

    private static void assertRefused(String url, Properties login, String what) {
        assertThatThrownBy(() -> {
            try (Connection sql = DriverManager.getConnection(url, login); Statement st = sql.createStatement()) {
                st.executeQuery("SELECT 1").close();
            }
        }).as(what).isInstanceOf(SQLException.class).hasMessageContaining(REFUSED);
    }

    private static String readRow(String url, Credentials login) throws SQLException {
        try (Connection sql = DriverManager.getConnection(url, login.jdbcProperties()); Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT v FROM t WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    /** Every file under the data directory (logs, node configurations, ...) whose text holds the given string. */
    private List<Path> filesContaining(String text) throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return Files.size(f) < 64L * 1024 * 1024 && new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).contains(text);
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        }
    }
}

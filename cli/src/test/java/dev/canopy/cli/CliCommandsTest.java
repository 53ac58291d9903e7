package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.canopy.region.local.ClusterStore;
import dev.canopy.region.local.StoredCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The canopy command line run in this JVM, with no platform running (so no Ignite process is ever started). */
class CliCommandsTest {
    @TempDir
    Path dataDir;
    /** Where the test writes its manifests, apart from the data directory. */
    @TempDir
    Path files;

    /** Runs {@code canopy --data-dir <dataDir> args...}, capturing what the commands print. */
    private CliRun.Result canopy(String... args) {
        return CliRun.canopy(dataDir, args);
    }

    private Path manifest(String fileName, String name, int redundancyLevel, int leaves) throws IOException {
        return write(fileName, """
                apiVersion: canopy.dev/v1alpha1
                kind: DatabaseCluster
                metadata:
                  name: %s
                spec:
                  release: "2.17.0"
                  redundancyLevel: %d
                  aggregators:
                    count: 1
                    height: 0.5
                  leaves:
                    count: %d
                    height: 0.5
                    storageGB: 10
                  config:
                    sqlQueryTimeoutMs: "60000"
                """.formatted(name, redundancyLevel, leaves));
    }

    private Path write(String fileName, String content) throws IOException {
        Path file = files.resolve(fileName);
        Files.writeString(file, content);
        return file;
    }

    private Path applied(String name) throws IOException {
        CliRun.Result result = canopy("cluster", "apply", "-f", manifest(name + ".yaml", name, 2, 1).toString());
        assertThat(result.code()).as(result.err()).isZero();
        return new ClusterStore(dataDir).clusterDir(name);
    }

    @Test
    void applyCreatesThenLeavesUnchangedThenConfigures() throws IOException {
        Path file = manifest("orders.yaml", "orders", 2, 1);

        CliRun.Result created = canopy("cluster", "apply", "-f", file.toString());
        assertThat(created.code()).isZero();
        assertThat(created.out()).contains("cluster orders created (generation 1)")
                .contains("the platform is not running");
        assertThat(created.err()).isEmpty();

        CliRun.Result unchanged = canopy("cluster", "apply", "-f", file.toString());
        assertThat(unchanged.code()).isZero();
        assertThat(unchanged.out()).contains("cluster orders unchanged (generation 1)");

        manifest("orders.yaml", "orders", 2, 3);
        CliRun.Result configured = canopy("cluster", "apply", "-f", file.toString());
        assertThat(configured.code()).isZero();
        assertThat(configured.out()).contains("cluster orders configured (generation 2)");

        StoredCluster stored = new ClusterStore(dataDir).get("orders").orElseThrow();
        assertThat(stored.generation()).isEqualTo(2);
        assertThat(stored.spec().leaves().count()).isEqualTo(3);
        assertThat(stored.spec().config()).containsEntry("sqlQueryTimeoutMs", "60000");
    }

    @Test
    void anInvalidFileIsRefusedWithOneLinePerProblemAndTheStoredClusterStaysAsItWas() throws IOException {
        applied("orders");
        String before = canopy("cluster", "get", "orders", "-o", "json").out();

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
        assertThat(refused.out()).doesNotContain("created").doesNotContain("configured");
        assertThat(refused.err()).contains("not a valid DatabaseCluster").contains("nothing was changed");
        List<String> problems = refused.errLines().stream().filter(l -> l.startsWith("  ")).map(String::strip).toList();
        assertThat(problems).hasSize(3);
        assertThat(problems).anySatisfy(l -> assertThat(l).startsWith("spec.redundancyLevel:").contains("3"));
        assertThat(problems).anySatisfy(l -> assertThat(l).startsWith("spec.replicas:").contains("unknown field"));
        assertThat(problems).anySatisfy(l -> assertThat(l).startsWith("spec.config.walMode:").contains("SOMETIMES"));

        CliRun.Result after = canopy("cluster", "get", "orders", "-o", "json");
        assertThat(after.out()).isEqualTo(before);
        JsonNode json = JsonMapper.builder().build().readTree(after.out());
        assertThat(json.at("/metadata/generation").asLong()).isEqualTo(1);
        assertThat(json.at("/spec/redundancyLevel").asInt()).isEqualTo(2);
        assertThat(json.at("/spec/config/walMode").isMissingNode()).isTrue();
    }

    @Test
    void aReleaseThatIsNotInstalledIsRefused() throws IOException {
        Path file = write("future.yaml", Files.readString(manifest("tmp.yaml", "future", 2, 1)).replace("\"2.17.0\"", "\"9.9.9\""));

        CliRun.Result refused = canopy("cluster", "apply", "-f", file.toString());

        assertThat(refused.code()).isEqualTo(2);
        List<String> problems = refused.errLines().stream().filter(l -> l.startsWith("  ")).map(String::strip).toList();
        assertThat(problems).singleElement().satisfies(l ->
                assertThat(l).startsWith("spec.release:").contains("9.9.9").contains("2.17.0"));
        assertThat(new ClusterStore(dataDir).get("future")).isEmpty();
    }

    @Test
    void aMissingFileIsReportedClearly() {
        Path missing = files.resolve("nowhere.yaml");

        CliRun.Result result = canopy("cluster", "apply", "-f", missing.toString());

        assertThat(result.code()).isNotZero();
        assertThat(result.err()).contains("no such file").contains(missing.toString());
        assertThat(new ClusterStore(dataDir).list()).isEmpty();
    }

    @Test
    void listShowsStoredClustersAsPending() throws IOException {
        CliRun.Result empty = canopy("cluster", "list");
        assertThat(empty.code()).isZero();
        assertThat(empty.out()).contains("no clusters");

        applied("orders");
        applied("billing");
        CliRun.Result list = canopy("cluster", "list");

        assertThat(list.code()).isZero();
        List<String> lines = list.out().lines().filter(l -> !l.startsWith("(")).toList();
        assertThat(lines.get(0)).startsWith("NAME").contains("PHASE");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1).split("\\s+")).startsWith("billing", "Pending");
        assertThat(lines.get(2).split("\\s+")).startsWith("orders", "Pending", "0/1", "0/2", "2", "2.17.0");
    }

    /** A user's JDBC client on Java 17+ fails to load Ignite's driver without its JVM options: the output says where they are. */
    @Test
    void getShowsTheJdbcUrlWithWhereToFindTheClientsJvmOptions() throws IOException {
        applied("orders");
        new ClusterStore(dataDir).writeStatus("orders", new dev.canopy.api.DatabaseClusterStatus(dev.canopy.api.Phase.Ready,
                List.of(), 1L, null, null, "2.17.0", new dev.canopy.api.Endpoints("jdbc:ignite:thin://127.0.0.1:10800",
                List.of("127.0.0.1:10800")), null));

        String out = canopy("cluster", "get", "orders").out();
        assertThat(out).containsPattern("(?m)^JDBC URL:\\s+jdbc:ignite:thin://127.0.0.1:10800$")
                .contains("a client on Java 17+ needs Ignite's JVM options: docs/using.md#connect-your-own-client");
        assertThat(Files.readString(Path.of("..", "docs", "using.md"))).as("the section the hint names")
                .contains("### Connect your own client").contains("--add-opens=java.base/java.nio=ALL-UNNAMED");
    }

    /** A truncated manifest of one cluster: list and get still answer, the damaged one saying what is wrong. */
    @Test
    void aClusterWhoseManifestIsDamagedIsListedAndShownWithTheDamage() throws IOException {
        applied("billing");
        Path orders = applied("orders");
        Files.writeString(orders.resolve("manifest.yaml"), "apiVersion: canopy.dev/v1alpha1\nkind: Datab");

        CliRun.Result list = canopy("cluster", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("billing").containsPattern("(?m)^orders\\s");
        CliRun.Result get = canopy("cluster", "get", "orders");
        assertThat(get.code()).as(get.err()).isZero();
        assertThat(get.out()).contains("unreadable: ").contains("manifest.yaml");
        CliRun.Result json = canopy("cluster", "get", "orders", "-o", "json");
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(new JsonMapper().readTree(json.out()).path("metadata").path("damage").asText()).contains("manifest.yaml");
    }

    /** A blue/green upgrade restarts no node: get said "null of null nodes restarted". */
    @Test
    void getShowsABlueGreenUpgradeByItsStep() throws IOException {
        applied("orders");
        new ClusterStore(dataDir).writeStatus("orders", new dev.canopy.api.DatabaseClusterStatus(dev.canopy.api.Phase.Upgrading,
                List.of(), 1L, null, null, "2.16.0", null, new dev.canopy.api.UpgradeStatus("2.16.0", "2.17.0",
                dev.canopy.api.UpgradeStatus.BLUE_GREEN, "2026-12-06T10:00:00Z", null, null, null, null, "CapturingChanges", null)));
        String out = canopy("cluster", "get", "orders").out();
        assertThat(out).contains("Upgrade:       2.16.0 -> 2.17.0, BlueGreen, step CapturingChanges, since 2026-12-06T10:00:00Z")
                .doesNotContain("null");
    }

    @Test
    void getShowsTheClusterAsTextYamlAndJson() throws IOException {
        applied("orders");

        CliRun.Result text = canopy("cluster", "get", "orders");
        assertThat(text.code()).isZero();
        assertThat(text.out()).containsPattern("(?m)^Name:\\s+orders$")
                .containsPattern("(?m)^Phase:\\s+Pending\\b")
                .containsPattern("(?m)^Generation:\\s+1 \\(observed none\\)$")
                .contains("the platform is not running");

        CliRun.Result yaml = canopy("cluster", "get", "orders", "-o", "yaml");
        assertThat(yaml.code()).isZero();
        JsonNode doc = new YAMLMapper().readTree(yaml.out());
        assertThat(doc.path("apiVersion").asText()).isEqualTo("canopy.dev/v1alpha1");
        assertThat(doc.path("kind").asText()).isEqualTo("DatabaseCluster");
        assertThat(doc.at("/metadata/name").asText()).isEqualTo("orders");
        assertThat(doc.at("/spec/release").asText()).isEqualTo("2.17.0");
        assertThat(doc.at("/spec/redundancyLevel").asInt()).isEqualTo(2);
        assertThat(doc.at("/spec/leaves/storageGB").asInt()).isEqualTo(10);
        assertThat(doc.at("/spec/config/sqlQueryTimeoutMs").asText()).isEqualTo("60000");
        assertThat(doc.has("status")).isFalse();

        CliRun.Result json = canopy("cluster", "get", "orders", "--output", "JSON");
        assertThat(json.code()).isZero();
        assertThat(JsonMapper.builder().build().readTree(json.out())).isEqualTo(doc);
    }

    @Test
    void getOfAMissingClusterFails() {
        CliRun.Result result = canopy("cluster", "get", "missing");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("no cluster named missing");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void deleteWithoutAPlatformRemovesTheClusterDirectly() throws IOException {
        Path clusterDir = applied("orders");
        assertThat(clusterDir).isDirectory();

        CliRun.Result result = canopy("cluster", "delete", "orders");

        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("cluster orders deleted");
        assertThat(clusterDir).doesNotExist();
        assertThat(new ClusterStore(dataDir).get("orders")).isEmpty();
        assertThat(canopy("cluster", "get", "orders").code()).isEqualTo(1);

        CliRun.Result again = canopy("cluster", "delete", "orders");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("no cluster named orders");
    }

    @Test
    void sqlOnAClusterWithoutStatusSaysNoAggregatorServesSqlYet() throws IOException {
        applied("orders");

        CliRun.Result result = canopy("sql", "orders", "-e", "SELECT 1");

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("orders has no aggregator serving SQL yet").contains("Pending");

        CliRun.Result missing = canopy("sql", "missing", "-e", "SELECT 1");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no cluster named missing");
    }
}

package dev.canopy.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.api.RebalanceStatus;
import dev.canopy.api.ReplicationStatus;
import dev.canopy.backup.BackupStatus;
import dev.canopy.controlplane.region.FakeRegion;
import dev.canopy.controlplane.telemetry.EngineProbe;
import dev.canopy.controlplane.telemetry.EngineReading;
import dev.canopy.controlplane.telemetry.NodeSample;
import dev.canopy.controlplane.telemetry.QuerySample;
import dev.canopy.controlplane.telemetry.TableSample;
import dev.canopy.core.MonitoringFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboards and alert rules under deploy/monitoring parse, and name only series that are exported: the control
 * plane's are read from its own /metrics, scraped from a control plane started as the platform starts it, once a
 * cluster's status and engine have given every telemetry gauge a row (a gauge with no row, like a counter never
 * counted, is not in the exposition at all). The operator's are checked by OperatorMetricsTest.
 */
class MonitoringTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ORDERS = """
            {"name": "orders", "region": "local", "release": "2.17.0", "redundancyLevel": 2,
             "aggregators": {"count": 1, "height": 0.5}, "leaves": {"count": 2, "height": 0.5, "storageGB": 10}}""";

    /** An engine that always answers, with a table and a statement, so that every engine gauge has a row. */
    private static final EngineProbe ANSWERING = jdbcUrl -> new EngineReading(
            List.of(new NodeSample("a", "aggregator-0", true, 0.1, 100, 1000), new NodeSample("l", "leaf-0", false, 0.5, 300, 1000)),
            List.of(new TableSample("PUBLIC", "ORDERS", "SQL_PUBLIC_ORDERS", "SQL_PUBLIC_ORDERS", 42L, 8192L)),
            System.nanoTime() / 1_000_000, List.of(new QuerySample("SELECT 1", 10, 0, 1, 12)));

    @Test
    void everySeriesTheDashboardsAndAlertsNameHasAnExporterAndTheControlPlanesAreOnItsMetrics(@TempDir Path dataDir) throws Exception {
        Map<String, List<String>> named = MonitoringFiles.seriesNamed();
        Map<String, List<String>> unowned = new TreeMap<>();
        named.forEach((series, places) -> {
            if (MonitoringFiles.exporterOf(series) == null) {
                unowned.put(series, places);
            }
        });
        assertThat(unowned).as("series no one exports (say whose in deploy/monitoring/exporters.properties)").isEmpty();
        Set<String> ours = MonitoringFiles.seriesOf("control-plane");
        assertThat(ours).as("the control plane's series the dashboards and alerts name")
                .contains("canopy_api_requests_total", "canopy_cluster_nodes_up", "canopy_cluster_redundancy_met");

        FakeRegion region = new FakeRegion("local", List.of("2.17.0"));
        try (ControlPlane platform = ControlPlane.start(new ControlPlane.Settings(dataDir, null, null, null, "127.0.0.1", 0),
                List.of(region), Clock.systemUTC(), Duration.ofMillis(100), ANSWERING)) {
            String key = Files.readString(platform.adminKeyFile()).strip();
            assertThat(send(platform, key, "POST", "/api/v1/clusters", ORDERS).statusCode()).isEqualTo(201);
            region.writeStatus("default-orders", everythingToSay());
            String token = Files.readString(platform.metricsTokenFile()).strip();
            // every gauge has a row once the status and two engine answers are sampled (a rate needs the one before):
            // polled until then, and the last exposition checked, so that a name missing for good is named
            Set<String> exposed = Set.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!exposed.containsAll(ours) && System.nanoTime() < deadline) {
                exposed = MonitoringFiles.exposed(send(platform, token, "GET", "/metrics", null).body());
                Thread.sleep(100);
            }
            Set<String> missing = new HashSet<>(ours);
            missing.removeAll(exposed);
            Map<String, List<String>> whereMissing = new TreeMap<>();
            missing.forEach(series -> whereMissing.put(series, named.get(series)));
            assertThat(whereMissing).as("series the dashboards and alerts name that the control plane's /metrics does not have")
                    .isEmpty();
        }
    }

    @Test
    void everyDashboardParsesAndEachPanelHasADataSourceAUnitAndQueries() {
        List<Path> files = MonitoringFiles.dashboards();
        assertThat(files).extracting(f -> f.getFileName().toString()).contains("canopy-platform.json", "canopy-cluster.json");
        Set<String> uids = new HashSet<>();
        for (Path file : files) {
            JsonNode board = MonitoringFiles.dashboard(file);
            assertThat(uids.add(board.path("uid").asText())).as("%s: a uid of its own", file).isTrue();
            assertThat(board.path("title").asText()).as("%s: title", file).startsWith("Canopy / ");
            assertThat(board.path("time").path("from").asText()).as("%s: a time range", file).startsWith("now-");
            assertThat(board.path("templating").path("list").get(0).path("type").asText()).as("%s: the data source is chosen", file)
                    .isEqualTo("datasource");
            List<JsonNode> panels = MonitoringFiles.panels(board.path("panels")).stream()
                    .filter(p -> !p.path("type").asText().equals("row")).toList();
            assertThat(panels).as("%s: panels", file).isNotEmpty();
            for (JsonNode panel : panels) {
                String where = file.getFileName() + ": " + panel.path("title").asText();
                assertThat(panel.path("datasource").path("uid").asText()).as(where).isEqualTo("${datasource}");
                assertThat(panel.path("fieldConfig").path("defaults").path("unit").asText()).as(where + ": unit").isNotBlank();
                assertThat(panel.path("description").asText()).as(where + ": what it shows").isNotBlank();
                assertThat(panel.path("targets")).as(where + ": queries").isNotEmpty()
                        .allSatisfy(t -> assertThat(t.path("expr").asText()).as(where).isNotBlank());
                JsonNode at = panel.path("gridPos");
                assertThat(at.path("x").asInt() + at.path("w").asInt()).as(where + ": within the 24 columns").isLessThanOrEqualTo(24);
            }
        }
    }

    @Test
    void theClusterDashboardShowsTheChosenClusterOnly() {
        JsonNode board = MonitoringFiles.dashboard(MonitoringFiles.DIRECTORY.resolve("dashboards").resolve("canopy-cluster.json"));
        assertThat(board.path("templating").path("list")).extracting(v -> v.path("name").asText()).contains("organization", "cluster");
        for (JsonNode panel : MonitoringFiles.panels(board.path("panels"))) {
            panel.path("targets").forEach(target -> assertThat(target.path("expr").asText()).as(panel.path("title").asText())
                    .containsAnyOf("cluster=\"$cluster\"", "$cluster-leaves"));
        }
    }

    @Test
    void everyAlertRuleHasANameASeverityAndSaysWhatItMeans() {
        JsonNode groups = MonitoringFiles.rules().path("groups");
        assertThat(groups).isNotEmpty();
        groups.forEach(group -> group.path("rules").forEach(rule -> {
            String alert = rule.path("alert").asText();
            assertThat(alert).startsWith("Canopy");
            assertThat(rule.path("expr").asText()).as(alert).isNotBlank();
            assertThat(rule.path("labels").path("severity").asText()).as(alert).isIn("warning", "critical");
            assertThat(rule.path("annotations").path("summary").asText()).as(alert).isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as(alert).isNotBlank();
        }));
    }

    /** A replica under a stalled rebalance, redundancy not met, its last backup failed: every status gauge has a row. */
    private static DatabaseClusterStatus everythingToSay() {
        return new DatabaseClusterStatus(Phase.Degraded, List.of(
                new Condition(Condition.BALANCED, Condition.FALSE, "Rebalancing", "", null),
                new Condition(Condition.REDUNDANCY_MET, Condition.FALSE, "LeafDown", "", null),
                new Condition(BackupStatus.BACKUP, Condition.FALSE, "BackupFailed", "backup b1 failed", "2026-12-07T09:00:00Z")),
                1L, new NodeCounts(1, 1), new NodeCounts(3, 4), "2.17.0",
                new Endpoints("jdbc:ignite:thin://127.0.0.1:10800", List.of()), null,
                new RebalanceStatus(12, "2026-12-07T09:30:00Z"),
                new ReplicationStatus("local/source", "Streaming", 0.9, 300L, null, null, null));
    }

    private static HttpResponse<String> send(ControlPlane platform, String key, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.port() + path))
                .header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

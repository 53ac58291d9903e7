package dev.canopy.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.controlplane.ControlPlane;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.HdrHistogram.Histogram;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.canopy.bench.BenchSupport.log;

/**
 * A status change in a Kubernetes region visible through the API: the control plane watches the region's
 * DatabaseClusters (an informer) on fabric8's mock API server; the bench writes a cluster's status as the operator
 * would, then asks the API for it until it shows. Next to the same GET with nothing changed.
 */
final class KubernetesStatusBench implements FigureGroup {
    private static final int CLUSTERS = 100;
    private static final int CHANGES = 300;
    private static final String NAMESPACE = "canopy";
    private static final Duration SHOWN_WITHIN = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "control-plane-kubernetes";
    }

    @Override
    public void run(int run, Path dir, Runs runs) throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient kubernetes = server.createClient();
             ControlPlane controlPlane = ControlPlane.start(new ControlPlane.Settings(dir.resolve("control-plane"), null, null, null,
                     "127.0.0.1", 0, 0), List.of(), Clock.systemUTC());
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            Path repo = Path.of(System.getProperty("canopy.repo", ".")).toAbsolutePath().normalize();
            kubernetes.apiextensions().v1().customResourceDefinitions()
                    .load(repo.resolve("deploy/helm/canopy-operator/crds/databaseclusters.canopy.dev-v1.yml").toFile()).create();
            ControlPlaneBench.Api api = new ControlPlaneBench.Api(http, "http://127.0.0.1:" + controlPlane.port() + "/api/v1",
                    Files.readString(controlPlane.adminKeyFile()).strip());
            expect(api.send("POST", "/regions", JSON.writeValueAsString(Map.of("name", "eu", "kind", "kubernetes",
                    "kubeconfig", kubeconfig(server.url("/")), "context", "mock", "namespace", NAMESPACE))), 201);
            for (int i = 0; i < CLUSTERS; i++) {
                expect(api.send("POST", "/clusters", """
                        {"name": "k%03d", "region": "eu", "release": "2.17.0", "redundancyLevel": 2,
                         "aggregators": {"count": 1, "height": 0.5}, "leaves": {"count": 2, "height": 0.5, "storageGB": 10}}"""
                        .formatted(i)), 201);
            }
            Histogram shown = new Histogram(3);
            Histogram get = new Histogram(3);
            for (int i = 0; i < CHANGES; i++) {
                String name = "k%03d".formatted(i % CLUSTERS);
                String path = "/clusters/" + name;
                long t0 = System.nanoTime();
                String before = phase(api, path);
                get.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                Phase next = Phase.Ready.name().equals(before) ? Phase.Provisioning : Phase.Ready;
                DatabaseCluster resource = kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName("default-" + name).get();
                resource.setStatus(new DatabaseClusterStatus(next, List.of(), null, null, null, null, null, null));
                long written = System.nanoTime();
                kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).resource(resource).updateStatus();
                long deadline = written + SHOWN_WITHIN.toNanos();
                while (!next.name().equals(phase(api, path))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(name + ": status written " + next + " on the API server, not shown by GET "
                                + path + " after " + SHOWN_WITHIN.toSeconds() + " s");
                    }
                }
                shown.recordValue(Math.max(1, (System.nanoTime() - written) / 1000));
            }
            ControlPlaneBench.Rate shownRate = ControlPlaneBench.Rate.of(shown, 1);
            ControlPlaneBench.Rate getRate = ControlPlaneBench.Rate.of(get, 1);
            log("status shown through the API: p50 %.2f ms, p99 %.2f ms; GET alone p50 %.2f ms", shownRate.p50Millis(),
                    shownRate.p99Millis(), getRate.p50Millis());
            runs.record("cpk-status-shown-p50", shownRate.p50Millis());
            runs.record("cpk-status-shown-p99", shownRate.p99Millis());
            runs.record("cpk-status-get-p50", getRate.p50Millis());
            runs.record("cpk-status-get-p99", getRate.p99Millis());
        } finally {
            server.destroy();
        }
    }

    @Override
    public List<Figure> figures(Runs runs) {
        String shown = "Control plane: a status change in a Kubernetes region visible through the API (the status written on"
                + " fabric8's mock API server as the operator does, to the first GET /api/v1/clusters/{name} showing it; "
                + CHANGES + " changes over " + CLUSTERS + " clusters, one client)";
        String floor = "floor: the same GET with nothing changed, one client";
        return List.of(new Figure(shown + ": p50", "ms", runs.get("cpk-status-shown-p50"), floor, runs.get("cpk-status-get-p50")),
                new Figure(shown + ": p99", "ms", runs.get("cpk-status-shown-p99"), floor, runs.get("cpk-status-get-p99")));
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
    }

    private static String phase(ControlPlaneBench.Api api, String path) throws Exception {
        HttpResponse<String> response = api.send("GET", path, null);
        expect(response, 200);
        return JSON.readTree(response.body()).path("phase").asText();
    }

    private static String kubeconfig(String serverUrl) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: { server: "%s" }
                users:
                - name: bench
                  user: { token: not-checked-by-the-mock }
                contexts:
                - name: mock
                  context: { cluster: mock, user: bench, namespace: default }
                current-context: mock
                """.formatted(serverUrl);
    }
}

package dev.canopy.controlplane.region;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Kubernetes region tells the control plane each change of its DatabaseClusters through one watch (an informer) on
 * fabric8's mock API server in CRUD mode, rather than being listed every second.
 */
class KubernetesRegionTellsChangesOnMockServerTest {
    private static final String NAMESPACE = "canopy";
    private static final Path CRD = Path.of("../deploy/helm/canopy-operator/crds/databaseclusters.canopy.dev-v1.yml");
    private static final DatabaseClusterSpec SPEC = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5),
            new LeavesSpec(2, 0.5, 10, null), Map.of(), null);

    private final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
            new KubernetesCrudDispatcher(), false);
    private KubernetesClient kubernetes;
    private KubernetesRegion region;

    @BeforeEach
    void start() {
        server.init();
        kubernetes = server.createClient();
        kubernetes.apiextensions().v1().customResourceDefinitions().load(CRD.toFile()).create();
        region = new KubernetesRegion("eu", NAMESPACE, server.createClient());
    }

    @AfterEach
    void stop() {
        region.close();
        kubernetes.close();
        server.destroy();
    }

    @Test
    void eachChangeOfAClusterIsToldByName() {
        List<String> told = new CopyOnWriteArrayList<>();
        assertThat(region.onChange(told::add)).as("the region tells its changes").isTrue();

        region.apply("orders", SPEC);
        await("the new cluster told").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> told.contains("orders"));

        int before = told.size();
        DatabaseCluster stored = kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName("orders").get();
        stored.getMetadata().getAnnotations().put("canopy.dev/touched", "yes");
        kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).resource(stored).update();
        await("the change told").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> told.size() > before && told.get(told.size() - 1).equals("orders"));

        int beforeDelete = told.size();
        kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName("orders").delete();
        await("the deletion told").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> told.size() > beforeDelete);
    }
}

package dev.canopy.controlplane.region;

import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the region words what a real API server answers and the CRUD mock server never does: a refusal by the CRD's
 * schema (422) and a failure (500). fabric8's mock server in expectations mode stands in for the API server.
 */
class KubernetesRegionAnswersOnMockServerExpectationsTest {
    private static final String PATH = "/apis/canopy.dev/v1alpha1/namespaces/canopy/databaseclusters";
    private final KubernetesMockServer server = new KubernetesMockServer(false);
    private KubernetesRegion region;

    @BeforeEach
    void start() {
        server.init();
        // the client the control plane makes from a registration (no retries), not the mock server's own
        region = new KubernetesRegion("eu", "canopy", Kubeconfigs.client(MockKubeconfig.of(server.url("/")), "mock"));
    }

    @AfterEach
    void stop() {
        region.close();
        server.destroy();
    }

    @Test
    void aSchemaRefusalNamesTheFieldsAsTheSpecValidatorDoes() {
        server.expect().get().withPath(PATH + "/default-orders").andReturn(404, null).once();
        server.expect().post().withPath(PATH).andReturn(422, new StatusBuilder().withStatus("Failure").withCode(422)
                .withReason("Invalid").withMessage("DatabaseCluster.canopy.dev \"default-orders\" is invalid")
                .withNewDetails().addNewCause().withField("spec.leaves.count").withReason("FieldValueInvalid")
                .withMessage("Invalid value: 100: spec.leaves.count in body should be less than or equal to 64").endCause()
                .endDetails().build()).once();

        assertThatThrownBy(() -> region.apply("default-orders", new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5), new LeavesSpec(100, 0.5, 10, null), Map.of(), null)))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems()).containsExactly(
                        "spec.leaves.count: Invalid value: 100: spec.leaves.count in body should be less than or equal to 64"));
    }

    @Test
    void aFailingApiServerMakesTheRegionUnavailableNamingIt() {
        server.expect().get().withPath(PATH + "/default-orders").andReturn(500, "etcd is down").once();

        assertThatThrownBy(() -> region.get("default-orders"))
                .isInstanceOf(RegionUnavailableException.class)
                .hasMessageContaining("region eu").hasMessageContaining("namespace canopy").hasMessageContaining("read default-orders");
    }
}

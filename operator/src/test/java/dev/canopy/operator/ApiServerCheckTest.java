package dev.canopy.operator;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the operator says, in one sentence, when it cannot start against the API server its kubeconfig names. */
class ApiServerCheckTest {
    private final KubernetesMockServer server = new KubernetesMockServer(false);
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void passesWhenTheClustersCanBeListed() {
        server.expect().get().withPath("/apis/canopy.dev/v1alpha1/namespaces/team-a/databaseclusters?limit=1")
                .andReturn(200, "{\"kind\":\"DatabaseClusterList\",\"apiVersion\":\"canopy.dev/v1alpha1\",\"items\":[]}").once();
        assertThatCode(() -> CanopyOperator.checkApiServer(client, Set.of("team-a"))).doesNotThrowAnyException();
    }

    @Test
    void saysTheCrdIsMissing() {
        // the mock server answers 404 to everything it was not told about: no DatabaseCluster resource
        assertThatThrownBy(() -> CanopyOperator.checkApiServer(client, Set.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no DatabaseCluster resource (databaseclusters.canopy.dev/v1alpha1): install its CRD first");
    }

    @Test
    void saysWhatTheApiServerRefuses() {
        String refusal = "databaseclusters.canopy.dev is forbidden: User \"dev\" cannot list resource \"databaseclusters\" "
                + "in API group \"canopy.dev\" in the namespace \"team-a\"";
        server.expect().get().withPath("/apis/canopy.dev/v1alpha1/namespaces/team-a/databaseclusters?limit=1")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(refusal).build()).once();
        assertThatThrownBy(() -> CanopyOperator.checkApiServer(client, Set.of("team-a")))
                .hasMessage("the Kubernetes API server at " + client.getConfiguration().getMasterUrl() + " refuses: " + refusal);
    }

    @Test
    void saysTheApiServerCannotBeReached() {
        try (KubernetesClient nowhere = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:1").withRequestRetryBackoffLimit(0).build()).build()) {
            assertThatThrownBy(() -> CanopyOperator.checkApiServer(nowhere, Set.of()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cannot reach the Kubernetes API server at https://127.0.0.1:1/: ")
                    .hasMessageNotContaining("\n");
        }
    }
}

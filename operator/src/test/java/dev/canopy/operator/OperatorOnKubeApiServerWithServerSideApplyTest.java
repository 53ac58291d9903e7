package dev.canopy.operator;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link OperatorReconciliationTests} against a real kube-apiserver (and etcd) run by fabric8's kube-api-test, with
 * server-side apply on, as in production. Only with binaries already in {@code $KUBE_API_TEST_DIR}: the test never
 * downloads them (offline mode), and is skipped, saying so, where they are absent.
 */
class OperatorOnKubeApiServerWithServerSideApplyTest extends OperatorReconciliationTests {
    private KubeAPIServer server;

    @Override
    KubernetesClient apiServer() {
        server = RealApiServer.startOrSkip("the operator's reconciliation tests");
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
    }

    @Override
    boolean serverSideApply() {
        return true;
    }

    @Override
    void stopApiServer() {
        if (server != null) {
            client.close();
            server.stop();
        }
    }

    /** The CRD's schema, as a real API server enforces it: what cannot work is refused, with a message that says why. */
    @Test
    void theSchemaRefusesSpecsThatCannotWork() {
        for (DatabaseClusterSpec invalid : List.of(
                new DatabaseClusterSpec("2.17.0", 3, new AggregatorsSpec(1, 0.5), new LeavesSpec(1, 1.0, 10, null), Map.of(), false),
                new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5), new LeavesSpec(0, 1.0, 10, null), Map.of(), false),
                new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5), new LeavesSpec(1, 1.0, -1, null), Map.of(), false))) {
            assertThatThrownBy(() -> create("invalid", invalid)).isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining("Invalid value");
        }
    }

    /**
     * A suspended cluster's size and release wait until it runs again: the API server refuses the change (the CRD's
     * transition rule, as SuspendedChanges decides), while resuming alone and a new backup policy go through.
     */
    @Test
    void aSuspendedClustersResizeIsRefusedByTheApiServer() {
        DatabaseClusterSpec running = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5), new LeavesSpec(2, 1.0, 10, null), Map.of(), false);
        create("dormant", running.withSuspended(true));
        var resources = client.resources(dev.canopy.api.DatabaseCluster.class).inNamespace(NAMESPACE).withName("dormant");
        assertThatThrownBy(() -> resources.edit(c -> {
            c.setSpec(withLeaves(c.getSpec(), new LeavesSpec(1, 1.0, 10, null)));
            return c;
        })).isInstanceOf(KubernetesClientException.class).hasMessageContaining("the cluster is suspended: resume it first");
        assertThatThrownBy(() -> resources.edit(c -> {
            c.setSpec(c.getSpec().withRelease("2.16.0").withSuspended(false));
            return c;
        })).as("not in the same change as the resume").isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("the cluster is suspended");
        assertThat(get("dormant").getSpec().leaves().count()).as("nothing stored").isEqualTo(2);
        edit("dormant", s -> s.withBackup(new dev.canopy.api.BackupSpec(null, 3, null)));
        edit("dormant", s -> s.withSuspended(false));
        assertThat(get("dormant").getSpec().isSuspended()).isFalse();
        edit("dormant", s -> withLeaves(s, new LeavesSpec(1, 1.0, 10, null)));
        assertThat(get("dormant").getSpec().leaves().count()).as("running again, it may change").isEqualTo(1);
    }
}

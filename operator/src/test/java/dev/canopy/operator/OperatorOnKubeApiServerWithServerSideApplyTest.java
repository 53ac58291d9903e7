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

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
        assertThat(refusal("dormant", s -> withLeaves(s, new LeavesSpec(1, 1.0, 10, null))))
                .hasMessageContaining("the cluster is suspended: resume it first");
        assertThat(refusal("dormant", s -> s.withRelease("2.16.0").withSuspended(false)))
                .as("not in the same change as the resume").hasMessageContaining("the cluster is suspended");
        assertThat(get("dormant").getSpec().leaves().count()).as("nothing stored").isEqualTo(2);
        edit("dormant", s -> s.withBackup(new dev.canopy.api.BackupSpec(null, 3, null)));
        edit("dormant", s -> s.withSuspended(false));
        assertThat(get("dormant").getSpec().isSuspended()).isFalse();
        edit("dormant", s -> withLeaves(s, new LeavesSpec(1, 1.0, 10, null)));
        assertThat(get("dormant").getSpec().leaves().count()).as("running again, it may change").isEqualTo(1);
    }

    /**
     * On an engine older than the platform's, leaves are not added or removed (core's ReleaseChanges): the API server
     * refuses {@code kubectl edit} of leaves.count there (the CRD's transition rule), naming the field and the reason.
     */
    @Test
    void anOlderEnginesLeafCountChangeIsRefusedByTheApiServer() {
        DatabaseClusterSpec older = new DatabaseClusterSpec("2.16.0", 2, new AggregatorsSpec(1, 0.5), new LeavesSpec(1, 1.0, 10, null), Map.of(), false);
        create("elder", older);
        assertThat(refusal("elder", s -> withLeaves(s, new LeavesSpec(2, 1.0, 10, null))).getCode()).isEqualTo(422);
        assertThat(refusal("elder", s -> withLeaves(s, new LeavesSpec(2, 1.0, 10, null))))
                .hasMessageContaining("spec.leaves.count: the leaves cannot be added or removed on a release older than 2.17.0")
                .hasMessageContaining("upgrade the cluster to 2.17.0 first");
        assertThat(get("elder").getSpec().leaves().count()).as("nothing stored").isEqualTo(1);
        edit("elder", s -> withLeaves(s, new LeavesSpec(1, 1.0, 20, null)));
        assertThat(get("elder").getSpec().leaves().storageGB()).as("the rest of leaves may change").isEqualTo(20);
        create("younger", older.withRelease("2.17.0"));
        edit("younger", s -> withLeaves(s, new LeavesSpec(2, 1.0, 10, null)));
        assertThat(get("younger").getSpec().leaves().count()).as("on 2.17.0 the count may change").isEqualTo(2);
    }

    /**
     * What the API server answers a change of the spec it refuses, trying again while the operator's own write (a
     * finalizer, the status) came in between (409); fails if the change is stored.
     */
    private KubernetesClientException refusal(String name, UnaryOperator<DatabaseClusterSpec> change) {
        AtomicReference<KubernetesClientException> refused = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                client.resources(dev.canopy.api.DatabaseCluster.class).inNamespace(NAMESPACE).withName(name).edit(c -> {
                    c.setSpec(change.apply(c.getSpec()));
                    return c;
                });
                throw new AssertionError("the API server stored the change of " + name);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return false;
                }
                refused.set(e);
                return true;
            }
        });
        return refused.get();
    }
}

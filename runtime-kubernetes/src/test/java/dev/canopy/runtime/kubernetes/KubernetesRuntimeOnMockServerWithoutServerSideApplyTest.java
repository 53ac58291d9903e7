package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodeId;
import dev.canopy.core.NodeObservation;
import dev.canopy.core.NodeState;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime against fabric8's mock API server in CRUD mode, which has no server-side apply (so it is off here) and
 * no StatefulSet controller: the test makes the pods and claims a StatefulSet would.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesRuntimeOnMockServerWithoutServerSideApplyTest {
    static KubernetesClient client;
    private final OwnedCluster cluster = TestClusters.orders();
    private KubernetesRuntime runtime;

    @BeforeEach
    void setUp() {
        client.apps().statefulSets().inNamespace(TestClusters.NAMESPACE).delete();
        client.pods().inNamespace(TestClusters.NAMESPACE).delete();
        client.persistentVolumeClaims().inNamespace(TestClusters.NAMESPACE).delete();
        client.configMaps().inNamespace(TestClusters.NAMESPACE).delete();
        runtime = new KubernetesRuntime(client, RuntimeSettings.defaults().withServerSideApply(false), cluster);
        runtime.applyClusterObjects();
    }

    private StatefulSet statefulSet(NodeGroup group) {
        return client.apps().statefulSets().inNamespace(TestClusters.NAMESPACE).withName(ObjectNames.statefulSet("orders", group)).get();
    }

    /** What the StatefulSet controller would do: a pod for the ordinal, from the template, and a claim for a leaf. */
    private void createPod(NodeId node) {
        StatefulSet set = statefulSet(NodeGroup.of(node));
        client.pods().inNamespace(TestClusters.NAMESPACE).resource(new PodBuilder().withNewMetadata()
                .withName(ObjectNames.pod("orders", node)).withLabels(set.getSpec().getTemplate().getMetadata().getLabels())
                .withAnnotations(set.getSpec().getTemplate().getMetadata().getAnnotations()).endMetadata()
                .withNewStatus().withPhase("Running").endStatus().build()).create();
        if (node.isLeaf()) {
            client.persistentVolumeClaims().inNamespace(TestClusters.NAMESPACE).resource(new PersistentVolumeClaimBuilder()
                    .withNewMetadata().withName(ObjectNames.dataClaim("orders", node))
                    .withLabels(Labels.group("orders", NodeGroup.of(node))).endMetadata().build()).createOr(o -> o.update());
        }
    }

    /** Starts the nodes with launch f1 and makes their pods, as the StatefulSet controller would. */
    private void startWithPods(NodeId... nodes) {
        for (NodeId node : nodes) {
            runtime.start("orders", node, TestClusters.launch(node, "f1"));
        }
        for (NodeId node : nodes) {
            createPod(node);
        }
    }

    private Pod pod(NodeId node) {
        return client.pods().inNamespace(TestClusters.NAMESPACE).withName(ObjectNames.pod("orders", node)).get();
    }

    @Test
    void theSecondDeploymentHasObjectsOfItsOwnCapturesBesideItsLeavesAndIsRetiredWithoutTheClustersObjects() {
        KubernetesRuntime both = new KubernetesRuntime(client, RuntimeSettings.defaults().withServerSideApply(false), cluster,
                java.util.Set.of("orders-b"));
        both.applyClusterObjects("orders-b", List.of("orders", "orders-b"));
        NodeId leaf = NodeId.leaf(1, 0);
        both.start("orders-b", leaf, TestClusters.launch(leaf, "f1"));
        both.start("orders", leaf, TestClusters.launch(leaf, "f1"));
        StatefulSet green = client.apps().statefulSets().inNamespace(TestClusters.NAMESPACE).withName("orders-b-leaves-ag1").get();
        assertThat(green.getSpec().getServiceName()).isEqualTo("orders-b-leaves-ag1");
        assertThat(green.getSpec().getTemplate().getSpec().getContainers()).extracting(c -> c.getName())
                .containsExactly(NodeStatefulSet.CONTAINER, CaptureSidecar.CONTAINER);
        assertThat(statefulSet(NodeGroup.LEAVES_AG1).getSpec().getTemplate().getSpec().getContainers())
                .as("a deployment that does not capture has no sidecar").hasSize(1);
        assertThat(both.place("orders-b", List.of(leaf)).get(leaf).host())
                .isEqualTo("orders-b-leaves-ag1-0.orders-b-leaves-ag1.db.svc");
        assertThat(client.services().inNamespace(TestClusters.NAMESPACE).withName("orders-sql").get().getSpec().getSelector())
                .containsEntry(Labels.INSTANCE, "orders-b");

        both.startCapture("orders-b", leaf, new dev.canopy.core.NodeLaunch("2.17.0", List.of(), java.util.Map.of("cdc.xml", "<cdc/>"),
                List.of("cdc.xml"), "c1"));
        assertThat(both.captures("orders-b")).containsExactly(java.util.Map.entry(leaf, "c1"));
        assertThat(both.captures("orders")).isEmpty();
        assertThat(client.configMaps().inNamespace(TestClusters.NAMESPACE).withName("orders-b-leaves-ag1-0-capture").get().getData())
                .containsEntry("orders-b-leaves-ag1-0-capture.xml", "<cdc/>");
        both.stopCapture("orders-b", leaf);
        assertThat(both.captures("orders-b")).isEmpty();
        both.startCapture("orders-b", leaf, new dev.canopy.core.NodeLaunch("2.17.0", List.of(), java.util.Map.of("cdc.xml", "<cdc/>"),
                List.of("cdc.xml"), "c2"));

        both.retire("orders-b");
        assertThat(client.apps().statefulSets().inNamespace(TestClusters.NAMESPACE).withName("orders-b-leaves-ag1").get()).isNull();
        assertThat(client.services().inNamespace(TestClusters.NAMESPACE).withName("orders-b-leaves-ag1").get()).isNull();
        assertThat(client.configMaps().inNamespace(TestClusters.NAMESPACE).withLabels(Labels.cluster("orders-b")).list().getItems())
                .as("its node and capture ConfigMaps").isEmpty();
        assertThat(both.captures("orders-b")).isEmpty();
        assertThat(statefulSet(NodeGroup.LEAVES_AG1)).as("the other deployment stays").isNotNull();
        assertThat(client.services().inNamespace(TestClusters.NAMESPACE).withName("orders-sql").get()).isNotNull();
        assertThat(client.secrets().inNamespace(TestClusters.NAMESPACE).withName("orders-admin").get()).isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> both.observe("orders-c"))
                .hasMessageContaining("not orders-c");
    }

    @Test
    void clusterObjectsAreServicesBudgetsANetworkPolicyConfigAndCredentials() {
        assertThat(client.services().inNamespace(TestClusters.NAMESPACE).list().getItems())
                .extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("orders-leaves-ag1", "orders-leaves-ag2", "orders-aggregators", "orders-sql");
        var headless = client.services().inNamespace(TestClusters.NAMESPACE).withName("orders-leaves-ag1").get();
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        var sql = client.services().inNamespace(TestClusters.NAMESPACE).withName("orders-sql").get();
        assertThat(sql.getSpec().getSelector()).containsEntry(Labels.COMPONENT, "aggregator");
        assertThat(sql.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(10800));
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(TestClusters.NAMESPACE).list().getItems())
                .extracting(b -> b.getSpec().getMaxUnavailable().getIntVal()).containsExactly(1, 1);
        var policy = client.network().v1().networkPolicies().inNamespace(TestClusters.NAMESPACE).withName("orders-nodes").get();
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Labels.cluster("orders"));
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        var rules = policy.getSpec().getIngress();
        assertThat(rules).hasSize(3);
        assertThat(rules.get(0).getFrom()).singleElement().satisfies(peer ->
                assertThat(peer.getPodSelector().getMatchLabels()).as("the cluster's own pods, every port").isEqualTo(Labels.cluster("orders")));
        assertThat(rules.get(0).getPorts()).isNullOrEmpty();
        assertThat(rules.get(1).getPorts()).as("the namespace's pods: SQL only")
                .extracting(p -> p.getPort().getIntVal()).containsExactly(10800);
        assertThat(rules.get(2).getFrom()).singleElement().satisfies(peer -> {
            assertThat(peer.getNamespaceSelector()).as("the operator in any namespace").isNotNull();
            assertThat(peer.getPodSelector().getMatchLabels()).containsEntry(Labels.NAME, "canopy-operator");
        });
        assertThat(rules.get(2).getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(10800, 8080);
        var secret = client.secrets().inNamespace(TestClusters.NAMESPACE).withName("orders-admin").get();
        String password = secret.getData().get("password");
        assertThat(new String(java.util.Base64.getDecoder().decode(password))).hasSize(32);
        runtime.applyClusterObjects();
        var again = client.secrets().inNamespace(TestClusters.NAMESPACE).withName("orders-admin").get();
        assertThat(again.getData().get("password"))
                .as("the generated password is kept").isEqualTo(password);
    }

    /**
     * A real API server refuses any change of an unbound claim's request (422), and claims wait unbound in normal
     * operation: only Bound claims grow, the others are reported and grow on a later pass, once bound.
     */
    @Test
    void growingTheStorageGrowsBoundClaimsAndWaitsForTheOthers() {
        NodeId bound = NodeId.leaf(1, 0);
        NodeId pending = NodeId.leaf(1, 1);
        startWithPods(bound, pending);
        for (NodeId leaf : List.of(bound, pending)) {
            var claim = client.persistentVolumeClaims().inNamespace(TestClusters.NAMESPACE).withName(ObjectNames.dataClaim("orders", leaf))
                    .edit(c -> new PersistentVolumeClaimBuilder(c).withNewSpec().withNewResources()
                            .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("20Gi")).endResources().endSpec()
                            .withNewStatus().withPhase(leaf.equals(bound) ? "Bound" : "Pending").endStatus().build());
            assertThat(claim.getStatus().getPhase()).isNotNull();
        }
        KubernetesRuntime grown = new KubernetesRuntime(client, RuntimeSettings.defaults().withServerSideApply(false),
                TestClusters.withStorage(cluster, 40));

        LeafStorage.Report report = grown.applyClusterObjects();

        assertThat(claimSize(bound)).isEqualTo("40Gi");
        assertThat(claimSize(pending)).as("an unbound claim is left as it is").isEqualTo("20Gi");
        assertThat(report.grown()).containsExactly("data-orders-leaves-ag1-0");
        assertThat(report.waiting()).containsExactly("data-orders-leaves-ag1-1 (Pending)");
        assertThat(report.summary()).isEqualTo("data-orders-leaves-ag1-1 (Pending) not bound yet: grows to 40Gi once bound");
        assertThat(statefulSet(NodeGroup.LEAVES_AG1).getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources()
                .getRequests().get("storage").toString()).isEqualTo("40Gi");

        client.persistentVolumeClaims().inNamespace(TestClusters.NAMESPACE).withName(ObjectNames.dataClaim("orders", pending))
                .edit(c -> new PersistentVolumeClaimBuilder(c).withNewStatus().withPhase("Bound").endStatus().build());
        assertThat(grown.applyClusterObjects().complete()).isTrue();
        assertThat(claimSize(pending)).as("grown once bound, the template being already grown").isEqualTo("40Gi");
    }

    private String claimSize(NodeId leaf) {
        return client.persistentVolumeClaims().inNamespace(TestClusters.NAMESPACE).withName(ObjectNames.dataClaim("orders", leaf)).get()
                .getSpec().getResources().getRequests().get("storage").toString();
    }

    @Test
    void startingANodeWritesItsConfigAndCoversItsOrdinal() {
        NodeId leaf = NodeId.leaf(1, 1);
        runtime.start("orders", leaf, TestClusters.launch(leaf, "f1"));
        assertThat(statefulSet(NodeGroup.LEAVES_AG1).getSpec().getReplicas()).isEqualTo(2);
        assertThat(client.configMaps().inNamespace(TestClusters.NAMESPACE).withName("orders-leaves-ag1-1-config").get().getData())
                .containsOnlyKeys("orders-leaves-ag1-1.xml");
        assertThat(statefulSet(NodeGroup.LEAVES_AG1).getSpec().getTemplate().getSpec().getVolumes().get(0).getProjected()
                .getSources()).extracting(source -> source.getConfigMap().getName()).containsExactly("orders-leaves-ag1-1-config");
        // started, but no pod runs it yet
        assertThat(runtime.observe("orders")).contains(new NodeObservation(leaf, NodeState.PENDING, "2.17.0", "f1", 0,
                "its pod is not made yet"));
    }

    @Test
    void restartingWithANewLaunchDeletesOnlyThatPod() {
        NodeId first = NodeId.leaf(1, 0);
        NodeId second = NodeId.leaf(1, 1);
        startWithPods(first, second);
        runtime.start("orders", first, TestClusters.launch(first, "f1"));
        assertThat(pod(first)).as("same launch: left alone").isNotNull();

        runtime.start("orders", first, TestClusters.launch(first, "f2"));
        assertThat(pod(first)).as("new launch: deleted for the StatefulSet to recreate").isNull();
        assertThat(pod(second)).isNotNull();
        createPod(first);
        assertThat(runtime.observe("orders")).contains(
                // running, not Ready (no kubelet here): not routed to
                new NodeObservation(first, NodeState.RUNNING, "2.17.0", "f2", 0, null, false),
                new NodeObservation(second, NodeState.RUNNING, "2.17.0", "f1", 0, null, false));
    }

    @Test
    void stoppingScalesDownToTheOrdinalKeepingTheClaimAndDeletingRemovesIt() {
        NodeId first = NodeId.leaf(2, 0);
        NodeId second = NodeId.leaf(2, 1);
        startWithPods(first, second);

        runtime.stop("orders", second);
        assertThat(statefulSet(NodeGroup.LEAVES_AG2).getSpec().getReplicas()).isEqualTo(1);
        client.pods().inNamespace(TestClusters.NAMESPACE).withName(ObjectNames.pod("orders", second)).delete();
        assertThat(runtime.observe("orders")).contains(new NodeObservation(second, NodeState.STOPPED, null, null, 0));

        runtime.delete("orders", second);
        assertThat(client.persistentVolumeClaims().inNamespace(TestClusters.NAMESPACE)
                .withName(ObjectNames.dataClaim("orders", second)).get()).isNull();
        assertThat(client.configMaps().inNamespace(TestClusters.NAMESPACE).withName("orders-leaves-ag2-1-config").get()).isNull();
        assertThat(client.configMaps().inNamespace(TestClusters.NAMESPACE).withName("orders-leaves-ag2-0-config").get()).isNotNull();
        assertThat(runtime.observe("orders")).extracting(NodeObservation::node).containsExactly(first);
    }

    @Test
    void replacingDeletesTheClaimAndThePod() {
        NodeId leaf = NodeId.leaf(1, 0);
        runtime.start("orders", leaf, TestClusters.launch(leaf, "f1"));
        createPod(leaf);
        runtime.replace("orders", leaf, TestClusters.launch(leaf, "f1"));
        assertThat(pod(leaf)).isNull();
        assertThat(client.persistentVolumeClaims().inNamespace(TestClusters.NAMESPACE)
                .withName(ObjectNames.dataClaim("orders", leaf)).get()).isNull();
        assertThat(statefulSet(NodeGroup.LEAVES_AG1).getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void anotherClustersNameIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.observe("billing"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(runtime.place("orders", List.of(NodeId.aggregator(0)))).containsOnlyKeys(NodeId.aggregator(0));
    }
}

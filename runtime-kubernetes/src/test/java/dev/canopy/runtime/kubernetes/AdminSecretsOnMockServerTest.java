package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodeId;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster's admin Secret and the authentication decision recorded on it, on fabric8's mock API server (CRUD mode,
 * no server-side apply): made once with the engine's superuser and a generated password, never rewritten; a deployment
 * decided "on" only while nothing of it ran (no leaf StatefulSet, no claim).
 */
@EnableKubernetesMockClient(crud = true)
class AdminSecretsOnMockServerTest {
    static KubernetesClient client;
    private final OwnedCluster cluster = TestClusters.orders();

    @BeforeEach
    void clean() {
        client.apps().statefulSets().inNamespace(TestClusters.NAMESPACE).delete();
        client.persistentVolumeClaims().inNamespace(TestClusters.NAMESPACE).delete();
        client.secrets().inNamespace(TestClusters.NAMESPACE).delete();
        client.configMaps().inNamespace(TestClusters.NAMESPACE).delete();
    }

    private KubernetesRuntime runtime(Set<String> capturing) {
        return new KubernetesRuntime(client, RuntimeSettings.defaults().withServerSideApply(false), cluster, capturing);
    }

    private Secret admin() {
        return client.secrets().inNamespace(TestClusters.NAMESPACE).withName("orders-admin").get();
    }

    @Test
    void aFreshClusterRunsWithAuthenticationAndItsSecretHoldsTheSuperusersGeneratedLoginNeverRewritten() {
        runtime(Set.of()).applyClusterObjects();
        Secret made = admin();
        AdminCredentialsSecret.Login login = AdminCredentialsSecret.login(made).orElseThrow();
        assertThat(login.user()).as("Ignite 2.x: only the superuser may create users").isEqualTo("ignite");
        assertThat(login.password()).hasSizeGreaterThanOrEqualTo(20).isNotEqualTo("ignite");
        assertThat(AdminCredentialsSecret.Login.parse(AdminCredentialsSecret.value(made, AdminCredentialsSecret.LOGIN_KEY)))
                .as("the capture's file holds the same login").contains(login);
        assertThat(AdminCredentialsSecret.authenticated(made)).containsExactly("orders");
        assertThat(AdminCredentialsSecret.joiningNodeSecurity(made)).as("decided in the same write").containsExactly("orders");
        assertThat(made.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(owner -> assertThat(owner.getUid()).isEqualTo("uid-1"));

        NodeId leaf = NodeId.leaf(1, 0);
        runtime(Set.of()).start("orders", leaf, TestClusters.launch(leaf, "f1"));
        runtime(Set.of()).applyClusterObjects();
        assertThat(AdminCredentialsSecret.login(admin())).as("never rewritten").contains(login);
        assertThat(AdminCredentialsSecret.authenticated(admin())).containsExactly("orders");
    }

    @Test
    void aClusterWhoseLeavesRanBeforeKeepsRunningWithoutAuthenticationUntilAFreshDeploymentReplacesIt() {
        NodeId leaf = NodeId.leaf(2, 0);
        // nodes from before the Secret: a leaf's claim is enough to say its storage may hold data
        client.persistentVolumeClaims().inNamespace(TestClusters.NAMESPACE).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(ObjectNames.dataClaim("orders", leaf))
                .withLabels(Labels.group("orders", NodeGroup.of(leaf))).endMetadata().build()).create();
        runtime(Set.of()).applyClusterObjects();
        assertThat(AdminCredentialsSecret.authenticated(admin())).as("never mixed: the running nodes have no login").isEmpty();

        runtime(Set.of()).applyClusterObjects("orders", List.of("orders", "orders-b"));
        assertThat(AdminCredentialsSecret.authenticated(admin())).as("green of a blue/green upgrade is fresh")
                .containsExactly("orders-b");
        assertThat(AdminCredentialsSecret.joiningNodeSecurity(admin())).containsExactly("orders-b");
        assertThat(AdminSecrets.decide(client, TestClusters.NAMESPACE, "orders", admin())).isFalse();
        assertThat(AdminSecrets.decide(client, TestClusters.NAMESPACE, "orders-b", admin())).isTrue();
    }

    @Test
    void aLeafStatefulSetWithoutClaimsAlsoMeansTheDeploymentRan() {
        NodeId leaf = NodeId.leaf(1, 0);
        runtime(Set.of()).start("orders", leaf, TestClusters.launch(leaf, "f1"));
        StatefulSet set = client.apps().statefulSets().inNamespace(TestClusters.NAMESPACE).withName("orders-leaves-ag1").get();
        assertThat(set).isNotNull();
        runtime(Set.of()).applyClusterObjects();
        assertThat(AdminCredentialsSecret.authenticated(admin())).isEmpty();
    }

    @Test
    void aSecretFromBeforeAuthenticationNamesAnotherUserAndTurnsNoDeploymentOn() {
        client.resource(new SecretBuilder().withNewMetadata().withName("orders-admin").withNamespace(TestClusters.NAMESPACE)
                .endMetadata().withStringData(Map.of("username", "canopy", "password", "s3cr3t-from-before")).build()).create();
        runtime(Set.of()).applyClusterObjects("orders", List.of("orders", "orders-b"));
        assertThat(AdminCredentialsSecret.login(admin())).as("a user Ignite 2.x does not have").isEmpty();
        assertThat(AdminCredentialsSecret.authenticated(admin())).isEmpty();
        assertThat(AdminCredentialsSecret.value(admin(), "password")).as("left as it was").isEqualTo("s3cr3t-from-before");
    }

    @Test
    void theCaptureAloneMountsTheLoginsOfItsTargetsFromBothSecretsOptionally() {
        NodeId leaf = NodeId.leaf(1, 0);
        runtime(Set.of("orders")).start("orders", leaf, TestClusters.launch(leaf, "f1"));
        StatefulSet set = client.apps().statefulSets().inNamespace(TestClusters.NAMESPACE).withName("orders-leaves-ag1").get();
        var pod = set.getSpec().getTemplate().getSpec();
        Volume logins = pod.getVolumes().stream().filter(v -> v.getName().equals("logins")).findFirst().orElseThrow();
        assertThat(logins.getProjected().getSources()).extracting(s -> s.getSecret().getName(), s -> s.getSecret().getOptional(),
                        s -> s.getSecret().getItems().get(0).getKey(), s -> s.getSecret().getItems().get(0).getPath())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("orders-admin", true, "login.properties", "admin.properties"),
                        org.assertj.core.groups.Tuple.tuple("orders-replica-login", true, "login.properties", "replica.properties"));
        assertThat(pod.getContainers()).filteredOn(c -> c.getName().equals("capture")).singleElement()
                .satisfies(c -> assertThat(c.getVolumeMounts()).anySatisfy(m -> {
                    assertThat(m.getName()).isEqualTo("logins");
                    assertThat(m.getMountPath()).isEqualTo(CaptureSidecar.LOGINS_DIR);
                    assertThat(m.getReadOnly()).isTrue();
                }));
        assertThat(pod.getContainers()).filteredOn(c -> c.getName().equals(NodeStatefulSet.CONTAINER)).singleElement()
                .satisfies(c -> assertThat(c.getVolumeMounts()).noneMatch(m -> m.getName().equals("logins")));

        NodeId other = NodeId.leaf(2, 0);
        runtime(Set.of()).start("orders", other, TestClusters.launch(other, "f1"));
        assertThat(client.apps().statefulSets().inNamespace(TestClusters.NAMESPACE).withName("orders-leaves-ag2").get()
                .getSpec().getTemplate().getSpec().getVolumes()).as("no capture, no logins")
                .noneMatch(v -> v.getName().equals("logins"));
    }

    @Test
    void aReplicasLoginIsKeptBesideItsSourceForThatReplicaOnlyAndForgotten() {
        KubernetesReplication replication = new KubernetesReplication(client, RuntimeSettings.defaults().withServerSideApply(false),
                cluster);
        AdminCredentialsSecret.Login login = new AdminCredentialsSecret.Login("ignite", "replica-password");
        replication.replicaLogin("orders-dr", Optional.of(login));
        assertThat(replication.replicaLogin("orders-dr")).contains(login);
        assertThat(replication.replicaLogin("another")).isEmpty();
        Secret kept = client.secrets().inNamespace(TestClusters.NAMESPACE).withName("orders-replica-login").get();
        assertThat(kept.getMetadata().getOwnerReferences()).as("goes with the source").singleElement()
                .satisfies(owner -> assertThat(owner.getUid()).isEqualTo("uid-1"));

        replication.replicaLogin("orders-dr", Optional.empty());
        assertThat(replication.replicaLogin("orders-dr")).as("the replica runs without authentication").isEmpty();
        replication.replicaLogin("orders-dr", Optional.of(login));
        replication.forgetReplicaLogin();
        assertThat(client.secrets().inNamespace(TestClusters.NAMESPACE).withName("orders-replica-login").get()).isNull();
    }
}

package dev.canopy.operator;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.ReplicationTarget;
import dev.canopy.core.Topology;
import dev.canopy.engine.ignite.Credentials;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.runtime.kubernetes.AdminCredentialsSecret;
import dev.canopy.runtime.kubernetes.KubernetesReplication;
import dev.canopy.runtime.kubernetes.KubernetesRuntime;
import dev.canopy.runtime.kubernetes.OwnedCluster;
import dev.canopy.runtime.kubernetes.RuntimeSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operator's logins read from the clusters' admin Secrets, and what the Ignite engine renders with them, on
 * fabric8's mock API server: nodes of a fresh cluster with the engine's authentication on, a capture's login to green or
 * to a replica from the files mounted in its container, a source of another region reached with that region's Secret.
 */
@EnableKubernetesMockClient(crud = true)
class SecretCredentialsOnMockServerTest {
    static KubernetesClient client;
    static KubernetesMockServer server;
    private static final String NAMESPACE = "db";
    private static final String OTHER = "other-region-ns";
    private static final DatabaseClusterSpec SPEC = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5),
            new LeavesSpec(1, 1.0, 10, null), Map.of("cdcWalForceArchiveTimeoutMs", "1000"), false);
    private final RuntimeSettings settings = RuntimeSettings.defaults().withServerSideApply(false);

    @BeforeEach
    void clean() {
        for (String namespace : List.of(NAMESPACE, OTHER)) {
            client.apps().statefulSets().inNamespace(namespace).delete();
            client.persistentVolumeClaims().inNamespace(namespace).delete();
            client.secrets().inNamespace(namespace).delete();
            client.configMaps().inNamespace(namespace).delete();
        }
    }

    private KubernetesRuntime runtime(String namespace, String name, Set<String> capturing) {
        return new KubernetesRuntime(client, settings, new OwnedCluster(namespace, name, "uid-" + name, SPEC, false), capturing);
    }

    private static Topology topology(String namespace, String deployment) {
        Map<NodeId, dev.canopy.core.NodePlacement> placements = new java.util.TreeMap<>();
        for (NodeId node : DesiredNodes.all(SPEC)) {
            placements.put(node, KubernetesRuntime.placement(namespace, deployment, node));
        }
        return new Topology(deployment, SPEC, placements);
    }

    private static String password(String namespace, String cluster) {
        return AdminCredentialsSecret.login(client.secrets().inNamespace(namespace).withName(cluster + "-admin").get())
                .orElseThrow().password();
    }

    @Test
    void aFreshClustersNodesRunWithAuthenticationAndTheOperatorLogsInWithItsSecret() {
        runtime(NAMESPACE, "orders", Set.of()).applyClusterObjects();
        SecretCredentials credentials = new SecretCredentials(client, NAMESPACE, true, Clock.systemUTC());
        IgniteEngine engine = IgniteEngine.kubernetes(credentials);

        String leafXml = engine.render(topology(NAMESPACE, "orders"), NodeId.leaf(1, 0)).files().get(IgniteEngine.CONFIG_FILE);
        assertThat(leafXml).contains("<property name=\"authenticationEnabled\" value=\"true\"/>");
        assertThat(leafXml).as("a fresh deployment's nodes handle a just-joined node's messages")
                .contains("dev.canopy.node.JoiningNodeSecurityPlugin");
        Credentials login = engine.adminLogin("orders");
        assertThat(login.user()).isEqualTo("ignite");
        assertThat(login.password()).isEqualTo(password(NAMESPACE, "orders"));

        int before = server.getRequestCount();
        for (int call = 0; call < 5; call++) {
            engine.adminLogin("orders");
            credentials.authentication("orders", false);
            credentials.joiningNodeSecurity("orders");
        }
        assertThat(server.getRequestCount()).as("read once, kept: no request per engine call").isEqualTo(before);
    }

    @Test
    void aDeploymentAuthenticatedByAnOperatorFromBeforeKeepsTheEnginesOwnSecurityProcessor() {
        runtime(NAMESPACE, "orders", Set.of()).applyClusterObjects();
        // listed as authenticated without the joining-node list: decided before the list existed
        client.secrets().inNamespace(NAMESPACE).withName("orders-admin").edit(s -> {
            s.getMetadata().getAnnotations().put(AdminCredentialsSecret.AUTHENTICATED_ANNOTATION, "orders");
            s.getMetadata().getAnnotations().remove(AdminCredentialsSecret.JOINING_NODE_SECURITY_ANNOTATION);
            return s;
        });
        SecretCredentials credentials = new SecretCredentials(client, NAMESPACE, true, Clock.systemUTC());
        assertThat(credentials.authentication("orders", false)).isTrue();
        assertThat(credentials.joiningNodeSecurity("orders")).as("Ignite refuses a node of another security processor class")
                .isFalse();
        assertThat(IgniteEngine.kubernetes(credentials).render(topology(NAMESPACE, "orders"), NodeId.leaf(1, 0)).files()
                .get(IgniteEngine.CONFIG_FILE)).contains("LoginRetryPlugin").doesNotContain("JoiningNodeSecurityPlugin");
    }

    @Test
    void aClusterMadeAgainUnderItsNameIsLoggedInToWithItsNewSecretOnceTheOldOneIsForgotten() {
        runtime(NAMESPACE, "orders", Set.of()).applyClusterObjects();
        SecretCredentials credentials = new SecretCredentials(client, NAMESPACE, true, Clock.systemUTC());
        String first = credentials.admin("orders").password();
        client.secrets().inNamespace(NAMESPACE).withName("orders-admin").delete();
        runtime(NAMESPACE, "orders", Set.of()).applyClusterObjects();
        assertThat(password(NAMESPACE, "orders")).isNotEqualTo(first);

        credentials.forget("orders");
        assertThat(credentials.admin("orders").password()).isEqualTo(password(NAMESPACE, "orders"));
    }

    @Test
    void aClusterThatRanWithoutAuthenticationIsNotTurnedOnWhateverTheEngineJudgesFromItsFiles() {
        NodeId leaf = NodeId.leaf(1, 0);
        runtime(NAMESPACE, "orders", Set.of()).start("orders", leaf, TestLaunches.of(leaf));
        runtime(NAMESPACE, "orders", Set.of()).applyClusterObjects();
        SecretCredentials credentials = new SecretCredentials(client, NAMESPACE, true, Clock.systemUTC());
        // the engine finds no storage on the operator's machine and says fresh: the API server knows better
        assertThat(credentials.authentication("orders", true)).isFalse();
        assertThat(IgniteEngine.kubernetes(credentials).render(topology(NAMESPACE, "orders"), leaf).files()
                .get(IgniteEngine.CONFIG_FILE)).doesNotContain("authenticationEnabled");
    }

    @Test
    void aCaptureLogsInToGreenWithTheClustersLoginAndToAReplicaWithTheLoginKeptForIt() {
        runtime(NAMESPACE, "orders", Set.of("orders")).applyClusterObjects("orders", List.of("orders", "orders-b"));
        runtime(NAMESPACE, "orders-dr", Set.of()).applyClusterObjects();
        SecretCredentials credentials = new SecretCredentials(client, NAMESPACE, true, Clock.systemUTC());
        IgniteEngine engine = IgniteEngine.kubernetes(credentials);
        NodeId leaf = NodeId.leaf(1, 0);

        String toGreen = engine.renderCapture(topology(NAMESPACE, "orders"), leaf,
                new ReplicationTarget("orders-b", List.of("orders-b-aggregators-0:10800"))).files().get(IgniteEngine.CAPTURE_CONFIG_FILE);
        assertThat(toGreen).contains("/opt/canopy/logins/admin.properties");

        ReplicationTarget replica = new ReplicationTarget("orders-dr", List.of("orders-dr-aggregators-0:10800"));
        assertThat(credentials.targetLogin("orders", "orders-dr")).as("no login kept for the replica yet").isEmpty();
        new KubernetesReplication(client, settings, new OwnedCluster(NAMESPACE, "orders", "uid-orders", SPEC, false))
                .replicaLogin("orders-dr", credentials.replicaLogin("orders-dr"));
        String toReplica = engine.renderCapture(topology(NAMESPACE, "orders"), leaf, replica).files()
                .get(IgniteEngine.CAPTURE_CONFIG_FILE);
        assertThat(toReplica).contains("/opt/canopy/logins/replica.properties").doesNotContain("admin.properties");
        assertThat(toReplica).as("never a password in a ConfigMap").doesNotContain(password(NAMESPACE, "orders-dr"));
        assertThat(credentials.replicaLogin("orders-dr")).map(AdminCredentialsSecret.Login::password)
                .contains(password(NAMESPACE, "orders-dr"));
        assertThat(credentials.targetLogin("orders", "someone-else")).as("kept for another replica").isEmpty();
        assertThat(credentials.file("orders")).contains(Path.of("/opt/canopy/logins/admin.properties"));
    }

    @Test
    void aSourceOfAnotherRegionIsLoggedInToWithThatRegionsSecretNotWithALocalClusterOfItsName() {
        runtime(OTHER, "orders", Set.of()).applyClusterObjects();
        runtime(NAMESPACE, "orders", Set.of()).applyClusterObjects();
        SecretCredentials replicas = new SecretCredentials(client, NAMESPACE, true, Clock.systemUTC());
        String remote = SecretCredentials.remoteName("us", "orders");
        assertThatThrownBy(() -> replicas.admin(remote)).as("a region not reached").hasMessageContaining("region us");

        replicas.reachRegion("us", new SecretCredentials(client, OTHER, false, Clock.systemUTC()));
        assertThat(replicas.admin(remote).password()).isEqualTo(password(OTHER, "orders"))
                .isNotEqualTo(password(NAMESPACE, "orders"));
        assertThat(replicas.authentication(remote, false)).isTrue();
        assertThat(replicas.admin("orders").password()).isEqualTo(password(NAMESPACE, "orders"));
    }

    @Test
    void anotherRegionsUndecidedDeploymentIsNeitherDecidedNorWrittenFromHere() {
        runtime(OTHER, "orders", Set.of()).applyClusterObjects();
        SecretCredentials there = new SecretCredentials(client, OTHER, false, Clock.systemUTC());
        assertThat(there.authentication("orders-b", true)).as("read only: its own operator decides").isFalse();
        assertThat(AdminCredentialsSecret.authenticated(client.secrets().inNamespace(OTHER).withName("orders-admin").get()))
                .containsExactly("orders");
    }

    /** A node's launch as the runtime needs it (the runtime only carries it). */
    private static final class TestLaunches {
        static dev.canopy.core.NodeLaunch of(NodeId node) {
            return new dev.canopy.core.NodeLaunch("2.17.0", List.of("-Xmx1g"), Map.of("node.xml", "<beans/>"), List.of("node.xml"), "f1");
        }
    }
}

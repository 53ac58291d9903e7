package dev.canopy.operator;

import dev.canopy.runtime.kubernetes.AdminCredentialsSecret;
import dev.canopy.runtime.kubernetes.KubernetesReplication;
import dev.canopy.runtime.kubernetes.OwnedCluster;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Optional;

import com.marcnuri.helm.Helm;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.runtime.kubernetes.Labels;
import dev.canopy.runtime.kubernetes.RuntimeSettings;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.canopy.operator.OperatorReconciliationTests.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a platform team checks before installing an operator, on a real kube-apiserver with RBAC (kube-api-test; skipped
 * where its binaries are absent): the generated manifests install with {@code kubectl apply --server-side} and the chart
 * with Helm; two replicas running as the chart's service account (impersonated), under the chart's RBAC as the real
 * authorizer enforces it, elect one leader that keeps its Lease and the other takes over; and upgrading the operator (a
 * new image, which is also the node-libs image) restarts no database pod. No kubelet: {@link StatefulSetController} and
 * {@link PodReadinessEngine} stand in for the controllers and the engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorInstalledFromTheChartOnKubeApiServerTest {
    private static final String SYSTEM = Chart.NAMESPACE;
    private static final String ACCOUNT = "system:serviceaccount:" + SYSTEM + ":canopy-operator";
    private static final Duration LEASE = Duration.ofSeconds(3);
    private KubeAPIServer server;
    private Path kubeconfig;
    private KubernetesClient admin;
    private StatefulSetController controller;
    private PodReadinessEngine engine;
    private final List<Operator> running = new ArrayList<>();
    private final List<KubernetesClient> clients = new ArrayList<>();

    @BeforeAll
    void installTheManifestsServerSide() throws Exception {
        server = RealApiServer.startOrSkip("the chart's installation, RBAC and operator upgrade");
        kubeconfig = Files.createTempFile("canopy-kubeconfig", ".yaml");
        Files.writeString(kubeconfig, server.getKubeConfigYaml());
        admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
        Process apply = new ProcessBuilder(RealApiServer.kubectl().toString(), "--kubeconfig", kubeconfig.toString(), "apply",
                "--server-side", "-f", Chart.MANIFESTS.toString()).redirectErrorStream(true).start();
        String output = new String(apply.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(apply.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(apply.exitValue()).as("kubectl apply --server-side printed:%n%s", output).isZero();
        assertThat(output).contains("customresourcedefinition.apiextensions.k8s.io/databaseclusters.canopy.dev serverside-applied",
                "clusterrole.rbac.authorization.k8s.io/canopy-operator serverside-applied",
                "deployment.apps/canopy-operator serverside-applied");
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.apiextensions().v1().customResourceDefinitions()
                .withName("databaseclusters.canopy.dev").get().getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())));
        OperatorReconciliationTests.prepare(admin);
        controller = new StatefulSetController(admin, NAMESPACE).start();
        engine = new PodReadinessEngine(admin, NAMESPACE);
    }

    @AfterEach
    void stopOperators() {
        running.forEach(Operator::stop);
        running.clear();
    }

    @AfterAll
    void stopApiServer() throws IOException {
        if (server == null) {
            return;
        }
        controller.close();
        clients.forEach(KubernetesClient::close);
        admin.close();
        server.stop();
        Files.deleteIfExists(kubeconfig);
    }

    @Test
    void theChartInstallsWithHelmBesideTheServerSideApply() {
        var release = new Helm(Chart.DIRECTORY).install().withName("canopy-second").withNamespace("canopy-second")
                .createNamespace().withKubeConfig(kubeconfig).call();

        assertThat(release.getStatus()).isEqualTo("deployed");
        assertThat(admin.apps().deployments().inNamespace("canopy-second").withName("canopy-second-canopy-operator").get())
                .isNotNull();
        assertThat(admin.rbac().roles().inNamespace("canopy-second").list().getItems()).extracting(r -> r.getMetadata().getName())
                .contains("canopy-second-canopy-operator-leader-election");
    }

    /**
     * fabric8 renews the Lease with PATCH: under a Role without it the real authorizer refuses every renewal and the
     * leader stops leading after the renew deadline. Here the leader keeps the Lease for several of its durations.
     */
    @Test
    void twoReplicasUnderTheChartsRbacElectOneLeaderThatKeepsItsLeaseAndTheOtherTakesOver() {
        Operator a = replica("replica-a", electing("replica-a"), new SimpleMeterRegistry());
        await().atMost(Duration.ofSeconds(30)).until(() -> "replica-a".equals(holder()));
        Operator b = replica("replica-b", electing("replica-b"), new SimpleMeterRegistry());
        await().during(LEASE.multipliedBy(4)).atMost(LEASE.multipliedBy(6)).until(() -> "replica-a".equals(holder()));

        create("elected", 1);
        awaitReady("elected", 1);

        a.stop();
        running.remove(a);
        await().atMost(Duration.ofSeconds(30)).until(() -> "replica-b".equals(holder()));
        edit("elected", 2);
        awaitReady("elected", 2);
        assertThat(running).containsExactly(b);
    }

    /**
     * Upgrading the operator changes its image, which is also the image the leaves' init container copies the node-side
     * classes from: no database pod may restart for it (the most-filed bug of a peer operator).
     */
    @Test
    void upgradingTheOperatorRestartsNoDatabasePod() {
        replica("operator-0.1.0", single(RuntimeSettings.defaults().withNodeLibsImage("canopy/operator:0.1.0")),
                new SimpleMeterRegistry());
        create("steady", 1);
        awaitReady("steady", 1);
        Map<String, String> pods = podUids("steady");
        int made = controller.created("steady").size();
        stopOperators();

        SimpleMeterRegistry upgraded = new SimpleMeterRegistry();
        replica("operator-0.2.0", single(RuntimeSettings.defaults().withNodeLibsImage("canopy/operator:0.2.0")), upgraded);
        // several passes of the new version over the running cluster
        await().atMost(Duration.ofSeconds(60)).until(() -> upgraded.find("canopy.reconcile.steps").counters().stream()
                .mapToDouble(c -> c.count()).sum() >= 3);
        awaitReady("steady", 1);

        assertThat(podUids("steady")).as("the same pods, none deleted and made again").isEqualTo(pods);
        assertThat(controller.created("steady")).hasSize(made);
    }

    /**
     * The Secrets the operator keeps, under the chart's RBAC as the real authorizer enforces it: a cluster's admin login
     * made once, its authentication decision written on it (a patch), the status naming it; and a replica's login kept
     * beside its source (applied server-side, rewritten, deleted) as a replica's operator does.
     */
    @Test
    void underTheChartsRbacTheOperatorKeepsTheAdminLoginAndAReplicasLoginInSecrets() {
        replica("operator-secrets", single(RuntimeSettings.defaults()), new SimpleMeterRegistry());
        create("guarded", 1);
        awaitReady("guarded", 1);
        Secret secret = admin.secrets().inNamespace(NAMESPACE).withName("guarded-admin").get();
        assertThat(AdminCredentialsSecret.login(secret)).hasValueSatisfying(login -> assertThat(login.user()).isEqualTo("ignite"));
        assertThat(AdminCredentialsSecret.authenticated(secret)).containsExactly("guarded");
        assertThat(admin.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName("guarded").get().getStatus()
                .endpoints().credentialsSecret()).isEqualTo("guarded-admin");

        KubernetesClient asOperator = new KubernetesClientBuilder().withConfig(new ConfigBuilder(admin.getConfiguration())
                .withImpersonateUsername(ACCOUNT).withUserAgent("replica-operator").build()).build();
        clients.add(asOperator);
        KubernetesReplication replication = new KubernetesReplication(asOperator, RuntimeSettings.defaults(),
                OwnedCluster.of(admin.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName("guarded").get()));
        AdminCredentialsSecret.Login login = new AdminCredentialsSecret.Login("ignite", "the-replicas-password");
        replication.replicaLogin("guarded-dr", Optional.of(login));
        assertThat(replication.replicaLogin("guarded-dr")).contains(login);
        replication.replicaLogin("guarded-dr", Optional.empty());
        assertThat(replication.replicaLogin("guarded-dr")).isEmpty();
        replication.forgetReplicaLogin();
        assertThat(admin.secrets().inNamespace(NAMESPACE).withName("guarded-replica-login").get()).isNull();
    }

    private Operator replica(String name, OperatorSettings settings, SimpleMeterRegistry metrics) {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(admin.getConfiguration())
                .withImpersonateUsername(ACCOUNT).withUserAgent(name).build()).build();
        clients.add(client);
        Operator operator = CanopyOperator.create(client, settings, engine, metrics, Clock.systemUTC(), PlannerPolicy.DEFAULTS);
        operator.start();
        running.add(operator);
        return operator;
    }

    /** As the chart runs it: every namespace watched, the Lease in the operator's own namespace. */
    private static OperatorSettings electing(String identity) {
        return new OperatorSettings(Set.of(), true, "canopy-operator", SYSTEM, LEASE, identity, false, 0,
                InetAddress.getLoopbackAddress(), null, RuntimeSettings.defaults());
    }

    private static OperatorSettings single(RuntimeSettings runtime) {
        return new OperatorSettings(Set.of(), false, "canopy-operator", SYSTEM, LEASE, "canopy-operator-0", false, 0,
                InetAddress.getLoopbackAddress(), null, runtime);
    }

    private String holder() {
        Lease lease = admin.leases().inNamespace(SYSTEM).withName("canopy-operator").get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    private void create(String name, int leaves) {
        DatabaseCluster cluster = new DatabaseCluster();
        cluster.getMetadata().setName(name);
        cluster.getMetadata().setNamespace(NAMESPACE);
        cluster.setSpec(OperatorReconciliationTests.spec(leaves, 1.0));
        admin.resource(cluster).create();
    }

    private void edit(String name, int leaves) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k
                && k.getCode() == 409).until(() -> {
            admin.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName(name).edit(c -> {
                c.setSpec(OperatorReconciliationTests.withLeaves(c.getSpec(), new LeavesSpec(leaves, 1.0, 10, null)));
                return c;
            });
            return true;
        });
    }

    private void awaitReady(String name, long generation) {
        await().atMost(OperatorReconciliationTests.CONVERGE).untilAsserted(() -> {
            DatabaseCluster cluster = admin.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName(name).get();
            assertThat(cluster.getStatus()).isNotNull();
            assertThat(cluster.getStatus().observedGeneration()).isEqualTo(generation);
            assertThat(cluster.getStatus().phase()).isEqualTo(Phase.Ready);
        });
    }

    private Map<String, String> podUids(String cluster) {
        return admin.pods().inNamespace(NAMESPACE).withLabels(Labels.cluster(cluster)).list().getItems().stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), (Pod p) -> p.getMetadata().getUid()));
    }
}

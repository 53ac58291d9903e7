package dev.canopy.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.Phase;
import dev.canopy.api.CrossRegionSpec;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.ReplicationStatus;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.core.ReplicaFeed;
import dev.canopy.core.ReplicationTarget;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import dev.canopy.runtime.kubernetes.AdminCredentialsSecret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica in one region (this class's mock API server, region {@code eu}) fed from a source in another (a second mock
 * API server with its own operator, region {@code us}), then promoted, with fake engines (see
 * {@link OnMockServerWithFakeEngine}) and a fake cloud controller that gives each LoadBalancer Service an address. What is
 * real is both operators' side: the kubeconfig Secret the replica's operator reaches the source's region with, the
 * load-balanced Services each side opens, the replication ConfigMaps the replica's operator writes in the other region,
 * the source's captures aimed at the replica's load balancer, and the addresses the copy and the fence reach the source
 * at. No traffic crosses a real load balancer here.
 */
class ReplicaAcrossRegionsOnMockServersWithFakeEngineTest extends OnMockServerWithFakeEngine {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String US_ADDRESS = "198.51.100.7";
    private static final String EU_ADDRESS = "203.0.113.9";

    private final KubernetesMockServer usServer = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
            new KubernetesCrudDispatcher(), false);
    private KubernetesClient us;
    private KubernetesClient usOperatorClient;
    private StatefulSetController usController;
    private Operator usOperator;
    private BlueGreenFakeEngine usEngine;
    private final ScheduledExecutorService cloud = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void startSourceRegion() throws Exception {
        usServer.init();
        us = usServer.createClient();
        OperatorReconciliationTests.prepare(us);
        usEngine = new BlueGreenFakeEngine(us, NAMESPACE);
        usController = new StatefulSetController(us, NAMESPACE).start();
        usOperatorClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(us.getConfiguration())
                .withUserAgent(AGENT).build()).build();
        usOperator = CanopyOperator.create(usOperatorClient, OperatorReconciliationTests.settings(false),
                new NamespaceEngines(usOperatorClient, clock, usEngine::over), new SimpleMeterRegistry(), PlannerPolicy.DEFAULTS);
        usOperator.start();
        cloud.scheduleWithFixedDelay(() -> {
            giveLoadBalancersAnAddress(us, US_ADDRESS);
            giveLoadBalancersAnAddress(client, EU_ADDRESS);
        }, 0, 50, TimeUnit.MILLISECONDS);
    }

    private void stopCloud() throws InterruptedException {
        cloud.shutdownNow();
        assertThat(cloud.awaitTermination(10, TimeUnit.SECONDS)).as("the fake cloud controller stopped").isTrue();
    }

    @AfterEach
    void stopSourceRegion() throws InterruptedException {
        stopCloud();
        if (usOperator != null) {
            usOperator.stop();
        }
        if (usController != null) {
            usController.close();
        }
        if (usOperatorClient != null) {
            usOperatorClient.close();
        }
        if (us != null) {
            us.close();
        }
        usServer.destroy();
    }

    @Test
    void aReplicaIsFedFromASourceInAnotherRegionThroughLoadBalancersAndPromotedWithTheSourceFenced() throws Exception {
        createIn(us, "orders", null);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(phase(us, "orders")).isEqualTo(Phase.Ready));
        client.resource(new SecretBuilder().withNewMetadata().withName("canopy-region-us").withNamespace(NAMESPACE).endMetadata()
                .withStringData(Map.of("kubeconfig", kubeconfig(usServer.url("/"), NAMESPACE))).build()).create();
        createIn(client, "orders-dr", new ReplicaOfSpec("orders", "us"));

        List<String> states = awaitStreaming("orders-dr");
        ReplicationStatus fed = get("orders-dr").getStatus().replication();
        assertThat(fed.source()).as("the source by its region").isEqualTo("us/orders");
        assertThat(fed.rowsCopied()).isEqualTo(10);
        // named by its region: a cluster "orders" of the replica's namespace would have another login
        assertThat(engine.calls()).containsExactly("copySchema us/orders -> orders-dr", "copyRows us/orders -> orders-dr");
        assertThat(engine.passwordsUsedFor("us/orders")).as("the replica's operator logs in to the source with the source's"
                + " login, read from its Secret in the source's region").containsExactly(password(us, "orders"));
        assertThat(engine.reachedAt("us/orders")).as("the replica's operator reached the source through its load balancer only")
                .containsExactly(US_ADDRESS + ":10800");

        Service sourceSide = us.services().inNamespace(NAMESPACE).withName("orders-cross-region").get();
        assertThat(sourceSide.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(sourceSide.getSpec().getSelector()).containsEntry("app.kubernetes.io/component", "aggregator");
        assertThat(sourceSide.getSpec().getLoadBalancerSourceRanges()).as("only the replica's region may come")
                .containsExactly("198.51.100.0/24");
        assertThat(us.network().v1().networkPolicies().inNamespace(NAMESPACE).withName("orders-cross-region").get()
                .getSpec().getIngress()).singleElement().satisfies(rule -> {
                    assertThat(rule.getFrom()).extracting(peer -> peer.getIpBlock().getCidr()).containsExactly("198.51.100.0/24");
                    assertThat(rule.getPorts()).extracting(port -> port.getPort().getIntVal()).containsExactly(10800);
                });
        assertThat(client.services().inNamespace(NAMESPACE).withName("orders-dr-cross-region").get().getSpec().getType())
                .isEqualTo("LoadBalancer");
        ConfigMap replication = configMap(us, "orders-replication");
        ReplicationTarget target = JSON.readValue(replication.getData().get("target.json"), ReplicationTarget.class);
        assertThat(target.cluster()).isEqualTo("orders-dr");
        assertThat(target.held()).isFalse();
        assertThat(target.addresses()).as("the source's captures reach the replica through its load balancer")
                .containsExactly(EU_ADDRESS + ":10800");
        for (String leaf : List.of("orders-leaves-ag1-0", "orders-leaves-ag2-0")) {
            assertThat(String.join("", configMap(us, leaf + "-capture").getData().values())).contains(EU_ADDRESS + ":10800");
        }
        assertThat(configMap(us, "orders-replica").getData()).as("what the source streams to, for the replica's operator")
                .containsEntry("streams-to", "orders-dr");
        assertThat(usEngine.calls()).as("the source's own operator copies and fences nothing").isEmpty();
        Secret replicaLogin = us.secrets().inNamespace(NAMESPACE).withName("orders-replica-login").get();
        assertThat(replicaLogin.getMetadata().getAnnotations()).containsEntry("canopy.dev/replica", "orders-dr");
        assertThat(new String(java.util.Base64.getDecoder().decode(replicaLogin.getData().get("login.properties"))))
                .as("the source's captures log in to the replica with the replica's login, written there by its operator")
                .contains("user=ignite", "password=" + password(client, "orders-dr"));

        promoteWithSourceFenced("orders-dr");
        assertThat(engine.calls()).endsWith("fence us/orders");
        assertThat(engine.passwordsUsedFor("us/orders")).containsExactly(password(us, "orders"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(configMap(us, "orders-replication").getData()).as("the source streams no more").doesNotContainKey("target.json");
            assertThat(configMap(us, "orders-leaves-ag1-0-capture")).as("its captures stop").isNull();
            assertThat(us.secrets().inNamespace(NAMESPACE).withName("orders-replica-login").get())
                    .as("the replica's login is kept beside the source no longer").isNull();
            assertThat(client.services().inNamespace(NAMESPACE).withName("orders-dr-cross-region").get())
                    .as("the promoted replica is fed no more: its load balancer goes").isNull();
        });
        assertThat(engine.reachedAt("us/orders")).containsExactly(US_ADDRESS + ":10800");
        assertThat(us.services().inNamespace(NAMESPACE).withName("orders-cross-region").get())
                .as("the source stays reachable while the promoted replica keeps it fenced").isNotNull();
        assertThat(configMap(us, "orders-replication").getData()).containsKey("across-regions");

        client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName("orders-dr").delete();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(get("orders-dr")).isNull();
            assertThat(configMap(us, "orders-replication").getData()).as("no replica of another region reaches it")
                    .doesNotContainKey("across-regions");
            assertThat(us.services().inNamespace(NAMESPACE).withName("orders-cross-region").get())
                    .as("its load balancer goes").isNull();
        });

        // the fake cloud asks both servers every 50 ms: stopped, so that reading the requests made finds an end
        stopCloud();
        OperatorOnMockServerWithoutServerSideApplyTest.assertTheChartAllows(
                OperatorOnMockServerWithoutServerSideApplyTest.requestsMadeBy(server, AGENT));
        OperatorOnMockServerWithoutServerSideApplyTest.assertTheChartAllows(
                OperatorOnMockServerWithoutServerSideApplyTest.requestsMadeBy(usServer, AGENT));
    }

    private static String password(KubernetesClient region, String cluster) {
        return AdminCredentialsSecret.login(region.secrets().inNamespace(NAMESPACE).withName(cluster + "-admin").get())
                .orElseThrow().password();
    }

    @Test
    void aReplicaWhoseSpecDoesNotSayWhoMayReachItOpensNoLoadBalancerAndSaysWhy() {
        client.resource(new SecretBuilder().withNewMetadata().withName("canopy-region-us").withNamespace(NAMESPACE).endMetadata()
                .withStringData(Map.of("kubeconfig", kubeconfig(usServer.url("/"), NAMESPACE))).build()).create();
        createIn(client, "orders-open", new ReplicaOfSpec("orders", "us"), null);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("orders-open").getStatus()).isNotNull()
                .satisfies(status -> assertThat(status.condition("CrossRegionEndpoint")).hasValueSatisfying(c -> {
                    assertThat(c.status()).isEqualTo(Condition.FALSE);
                    assertThat(c.reason()).isEqualTo("SourceRangesMissing");
                    assertThat(c.message()).contains("spec.crossRegion.sourceRanges", "spec.crossRegion.anySource: true");
                })));
        assertThat(client.services().inNamespace(NAMESPACE).withName("orders-open-cross-region").get())
                .as("no load balancer open to every address by default").isNull();
    }

    @Test
    void aReplicaOfARegionWithoutItsKubeconfigSecretIsRefusedNamingTheFieldAndTheSecret() {
        createIn(client, "orders-ap", new ReplicaOfSpec("orders", "ap"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(get("orders-ap").getStatus()).isNotNull();
            assertThat(get("orders-ap").getStatus().phase()).isEqualTo(Phase.Failed);
            assertThat(get("orders-ap").getStatus().condition(Condition.READY)).hasValueSatisfying(c -> {
                assertThat(c.reason()).isEqualTo("InvalidSpec");
                assertThat(c.message()).contains("spec.replicaOf.region").contains("no Secret canopy-region-ap");
            });
        });
        assertThat(statefulSet("orders-ap-leaves-ag1")).as("nothing is made for a refused spec").isNull();
    }

    /** What a cloud's controller does: an address for every LoadBalancer Service that has none. */
    private static void giveLoadBalancersAnAddress(KubernetesClient region, String address) {
        try {
            for (Service service : region.services().inNamespace(NAMESPACE).list().getItems()) {
                boolean balanced = "LoadBalancer".equals(service.getSpec().getType());
                boolean hasAddress = service.getStatus() != null && service.getStatus().getLoadBalancer() != null
                        && service.getStatus().getLoadBalancer().getIngress() != null
                        && !service.getStatus().getLoadBalancer().getIngress().isEmpty();
                if (balanced && !hasAddress) {
                    region.services().inNamespace(NAMESPACE).withName(service.getMetadata().getName()).editStatus(s -> {
                        s.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withLoadBalancer(
                                new LoadBalancerStatusBuilder().withIngress(new LoadBalancerIngressBuilder().withIp(address).build())
                                        .build()).build());
                        return s;
                    });
                }
            }
        } catch (RuntimeException e) {
            // raced with the operator's write or the server's end: done again on the next tick
        }
    }

    static String kubeconfig(String serverUrl, String namespace) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: us
                  cluster: { server: "%s" }
                users:
                - name: replicas
                  user: { token: not-checked-by-the-mock }
                contexts:
                - name: us
                  context: { cluster: us, user: replicas, namespace: %s }
                current-context: us
                """.formatted(serverUrl, namespace);
    }

    /** The replica's region's egress (the source lets it in) and the source's (the replica lets it in). */
    private static final CrossRegionSpec FROM_EU = new CrossRegionSpec(List.of("198.51.100.0/24"), null);
    private static final CrossRegionSpec FROM_US = new CrossRegionSpec(List.of("203.0.113.0/24"), null);

    private static void createIn(KubernetesClient region, String name, ReplicaOfSpec of) {
        createIn(region, name, of, of == null ? FROM_EU : FROM_US);
    }

    private static void createIn(KubernetesClient region, String name, ReplicaOfSpec of, CrossRegionSpec crossRegion) {
        DatabaseCluster created = new DatabaseCluster();
        created.getMetadata().setName(name);
        created.getMetadata().setNamespace(NAMESPACE);
        created.setSpec((of == null ? spec() : spec().withReplicaOf(of)).withCrossRegion(crossRegion));
        region.resource(created).create();
    }

    private static Phase phase(KubernetesClient region, String name) {
        DatabaseCluster cluster = region.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName(name).get();
        return cluster == null || cluster.getStatus() == null ? null : cluster.getStatus().phase();
    }

    private static ConfigMap configMap(KubernetesClient region, String name) {
        return region.configMaps().inNamespace(NAMESPACE).withName(name).get();
    }
}

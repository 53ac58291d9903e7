package dev.canopy.operator;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.runtime.kubernetes.Labels;
import dev.canopy.runtime.kubernetes.RuntimeSettings;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator (JOSDK, core's reconciler, the Kubernetes runtime) against fabric8's mock API server in CRUD mode. That
 * server has no server-side apply, so it is off here (objects are created or updated whole, the status patched without
 * apply); it has no StatefulSet controller or kubelet either, which {@link StatefulSetController} stands in for, and
 * the engine is faked by {@link PodReadinessEngine} (a node has joined when its pod is Ready, which the test sets).
 */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorOnMockServerWithoutServerSideApplyTest {
    static final String NAMESPACE = "db";
    static final Duration CONVERGE = Duration.ofSeconds(60);
    static KubernetesClient client;
    static KubernetesMockServer server;
    static final String OPERATOR_AGENT = "canopy-operator-under-test";
    static KubernetesClient operatorClient;
    static Operator operator;
    static StatefulSetController controller;
    static PodReadinessEngine engine;

    @BeforeAll
    static void startOperator() throws Exception {
        try (InputStream crd = DatabaseCluster.class.getClassLoader().getResourceAsStream("META-INF/fabric8/databaseclusters.canopy.dev-v1.yml")) {
            client.resource(client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
        }
        engine = new PodReadinessEngine(client, NAMESPACE);
        controller = new StatefulSetController(client, NAMESPACE).start();
        OperatorSettings settings = new OperatorSettings(Set.of(NAMESPACE), false, "canopy-operator", NAMESPACE, 0,
                RuntimeSettings.defaults().withServerSideApply(false));
        // its own client, told apart by its user agent: the RBAC test looks at the requests the operator made
        operatorClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withUserAgent(OPERATOR_AGENT).build()).build();
        operator = CanopyOperator.create(operatorClient, settings, engine, new SimpleMeterRegistry(), Clock.systemUTC(), PlannerPolicy.DEFAULTS);
        operator.start();
    }

    @AfterAll
    static void stopOperator() {
        operator.stop();
        controller.close();
        operatorClient.close();
    }

    static DatabaseClusterSpec spec(int leaves, double leafHeight) {
        return new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(2, 0.5), new LeavesSpec(leaves, leafHeight, 10, null), Map.of(), false);
    }

    static DatabaseCluster create(String name, DatabaseClusterSpec spec) {
        DatabaseCluster cluster = new DatabaseCluster();
        cluster.getMetadata().setName(name);
        cluster.getMetadata().setNamespace(NAMESPACE);
        cluster.setSpec(spec);
        return client.resource(cluster).create();
    }

    static DatabaseCluster get(String name) {
        return client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName(name).get();
    }

    static void edit(String name, UnaryOperator<DatabaseClusterSpec> change) {
        client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName(name).edit(c -> {
            c.setSpec(change.apply(c.getSpec()));
            return c;
        });
    }

    static StatefulSet statefulSet(String name) {
        return client.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
    }

    static void awaitReady(String name, long generation) {
        await().atMost(CONVERGE).untilAsserted(() -> {
            DatabaseCluster cluster = get(name);
            assertThat(cluster.getStatus()).isNotNull();
            assertThat(cluster.getStatus().observedGeneration()).isEqualTo(generation);
            assertThat(cluster.getStatus().phase()).isEqualTo(Phase.Ready);
        });
    }

    @Test
    void provisionsEveryObjectAndReportsReady() {
        create("orders", spec(2, 1.0));
        awaitReady("orders", 1);

        DatabaseCluster cluster = get("orders");
        assertThat(cluster.getStatus().isTrue(Condition.READY)).isTrue();
        assertThat(cluster.getStatus().leaves().ready()).isEqualTo(4);
        assertThat(cluster.getStatus().aggregators().ready()).isEqualTo(2);
        assertThat(cluster.getStatus().endpoints().jdbcUrl())
                .isEqualTo("jdbc:ignite:thin://orders-aggregators-0.orders-aggregators.db.svc:10800,"
                        + "orders-aggregators-1.orders-aggregators.db.svc:10800");
        assertThat(cluster.getMetadata().getFinalizers()).as("a finalizer, for the cleanup").isNotEmpty();

        for (String name : List.of("orders-leaves-ag1", "orders-leaves-ag2", "orders-aggregators")) {
            StatefulSet set = statefulSet(name);
            assertThat(set.getSpec().getReplicas()).isEqualTo(2);
            assertThat(set.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
            assertThat(set.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(cluster.getMetadata().getUid()));
            assertThat(set.getMetadata().getLabels()).containsKeys(Labels.NAME, Labels.INSTANCE, Labels.COMPONENT,
                    Labels.MANAGED_BY, Labels.AVAILABILITY_GROUP);
        }
        assertThat(statefulSet("orders-leaves-ag1").getSpec().getVolumeClaimTemplates()).hasSize(1);
        assertThat(statefulSet("orders-leaves-ag1").getSpec().getTemplate().getSpec().getContainers().get(0)
                .getResources().getLimits().get("memory").toString()).isEqualTo("4096Mi");
        assertThat(client.services().inNamespace(NAMESPACE).withLabels(Labels.cluster("orders")).list().getItems()).hasSize(4);
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).withLabels(Labels.cluster("orders"))
                .list().getItems()).hasSize(2);
        assertThat(client.configMaps().inNamespace(NAMESPACE).withName("orders-config").get().getData())
                .containsKeys("orders-leaves-ag1-0.xml", "orders-leaves-ag2-1.xml", "orders-aggregators-1.xml");
        assertThat(client.secrets().inNamespace(NAMESPACE).withName("orders-admin").get()).isNotNull();
        assertThat(engine.calls("orders")).first().isEqualTo("activate");
        assertThat(engine.baseline("orders")).containsExactlyInAnyOrder("leaf-ag1-0", "leaf-ag1-1", "leaf-ag2-0", "leaf-ag2-1");
        List<Event> events = client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> "orders".equals(e.getInvolvedObject().getName())).toList();
        assertThat(events).extracting(Event::getReason).contains("StartingLeaves", "StartingAggregators");
        // leaves come before aggregators
        assertThat(controller.created("orders").subList(0, 4)).allMatch(p -> p.contains("-leaves-"));
    }

    @Test
    void aRollingRestartGoesThroughAg1ThenAg2OneLeafAtATime() {
        create("billing", spec(2, 1.0));
        awaitReady("billing", 1);
        int before = controller.created("billing").size();

        edit("billing", s -> new DatabaseClusterSpec(s.release(), s.redundancyLevel(), s.aggregators(),
                new LeavesSpec(2, 2.0, 10, null), s.config(), s.suspended()));
        await().atMost(CONVERGE).untilAsserted(() -> {
            assertThat(get("billing").getStatus().observedGeneration()).isEqualTo(2);
            assertThat(controller.created("billing").size() - before).isEqualTo(4);
        });
        awaitReady("billing", 2);
        // only the leaves' height changed: the aggregators keep running
        assertThat(controller.created("billing").subList(before, before + 4))
                .containsExactly("billing-leaves-ag1-0", "billing-leaves-ag1-1", "billing-leaves-ag2-0", "billing-leaves-ag2-1");
        assertThat(statefulSet("billing-leaves-ag2").getSpec().getTemplate().getSpec().getContainers().get(0)
                .getResources().getLimits().get("memory").toString()).isEqualTo("8192Mi");
    }

    @Test
    void aRestartWaitsForTheRestartedLeafToBeReadyAgain() {
        create("carts", spec(1, 1.0));
        awaitReady("carts", 1);
        controller.holdBackNext("carts-leaves-ag1-0");
        int before = controller.created("carts").size();
        edit("carts", s -> new DatabaseClusterSpec(s.release(), s.redundancyLevel(), s.aggregators(),
                new LeavesSpec(1, 2.0, 10, null), s.config(), s.suspended()));
        await().atMost(CONVERGE).untilAsserted(() -> assertThat(controller.created("carts")).hasSize(before + 1));
        // the restarted leaf of AG1 is held back (not Ready): AG2's leaf must not be touched meanwhile
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(controller.created("carts")).hasSize(before + 1));
        assertThat(get("carts").getStatus().phase()).isEqualTo(Phase.Upgrading);
        controller.release("carts-leaves-ag1-0");
        awaitReady("carts", 2);
        assertThat(controller.created("carts").subList(before, before + 2))
                .containsExactly("carts-leaves-ag1-0", "carts-leaves-ag2-0");
    }

    @Test
    void scaleOutAddsLeavesToBothGroupsAndScaleInDeletesClaimsOnlyOnceOutOfTheBaseline() {
        create("stock", spec(1, 1.0));
        awaitReady("stock", 1);
        edit("stock", s -> new DatabaseClusterSpec(s.release(), s.redundancyLevel(), s.aggregators(),
                new LeavesSpec(2, 1.0, 10, null), s.config(), s.suspended()));
        awaitReady("stock", 2);
        assertThat(engine.baseline("stock")).containsExactlyInAnyOrder("leaf-ag1-0", "leaf-ag1-1", "leaf-ag2-0", "leaf-ag2-1");
        assertThat(statefulSet("stock-leaves-ag2").getSpec().getReplicas()).isEqualTo(2);

        edit("stock", s -> new DatabaseClusterSpec(s.release(), s.redundancyLevel(), s.aggregators(),
                new LeavesSpec(1, 1.0, 10, null), s.config(), s.suspended()));
        awaitReady("stock", 3);
        assertThat(engine.baseline("stock")).containsExactlyInAnyOrder("leaf-ag1-0", "leaf-ag2-0");
        assertThat(statefulSet("stock-leaves-ag1").getSpec().getReplicas()).isEqualTo(1);
        assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).withLabels(Labels.cluster("stock")).list().getItems())
                .extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("data-stock-leaves-ag1-0", "data-stock-leaves-ag2-0");
        // each leaf left the baseline before its claim went: its partitions had moved first
        assertThat(engine.calls("stock")).containsSubsequence(
                "setBaseline [leaf-ag1-0, leaf-ag2-0, leaf-ag2-1]", "setBaseline [leaf-ag1-0, leaf-ag2-0]");
    }

    @Test
    void deletingTheClusterDeletesItsClaimsUnlessTheyAreRetained() {
        create("gone", spec(1, 1.0));
        awaitReady("gone", 1);
        client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName("gone").delete();
        await().atMost(CONVERGE).untilAsserted(() -> {
            assertThat(get("gone")).isNull();
            assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).withLabels(Labels.cluster("gone")).list().getItems()).isEmpty();
        });

        DatabaseCluster kept = new DatabaseCluster();
        kept.getMetadata().setName("kept");
        kept.getMetadata().setNamespace(NAMESPACE);
        kept.getMetadata().setAnnotations(Map.of("canopy.dev/retain-volumes", "true"));
        kept.setSpec(spec(1, 1.0));
        client.resource(kept).create();
        awaitReady("kept", 1);
        assertThat(statefulSet("kept-leaves-ag1").getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
                .isEqualTo("Retain");
        client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName("kept").delete();
        await().atMost(CONVERGE).untilAsserted(() -> assertThat(get("kept")).isNull());
        assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).withLabels(Labels.cluster("kept")).list().getItems())
                .hasSize(2);
    }

    /**
     * Last, once every other test has made the operator do its work: every request it made is allowed by the chart's
     * ClusterRole (leader election's Lease requests, off here, are checked against the Role). Nothing else is needed:
     * the role is least privilege as long as each of its verbs shows up here or in leader election.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void theChartsRbacAllowsEveryRequestTheOperatorMade() throws InterruptedException {
        Set<ApiRequest> made = new TreeSet<>(java.util.Comparator.comparing(ApiRequest::toString));
        for (RecordedRequest request = server.takeRequest(100, TimeUnit.MILLISECONDS); request != null;
             request = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
            String agent = request.getHeaders().get("User-Agent");
            if (agent != null && agent.contains(OPERATOR_AGENT)) {
                ApiRequest.parse(request.getMethod(), request.getPath()).ifPresent(made::add);
            }
        }
        assertThat(made).extracting(ApiRequest::toString).contains("create events", "patch canopy.dev/databaseclusters/status",
                "delete pods", "delete persistentvolumeclaims", "watch pods", "create apps/statefulsets");
        List<JsonNode> chart = Chart.documents(Chart.render(Map.of()));
        JsonNode rules = Chart.ofKind(chart, "ClusterRole").get(0).path("rules");
        assertThat(made).allSatisfy(request -> assertThat(Chart.allows(rules, request))
                .as("the chart's ClusterRole allows %s", request).isTrue());
        JsonNode leaseRules = Chart.ofKind(chart, "Role").get(0).path("rules");
        for (String verb : List.of("get", "create", "update")) {
            assertThat(Chart.allows(leaseRules, new ApiRequest("coordination.k8s.io", "leases", verb))).isTrue();
        }
    }
}

package dev.canopy.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.runtime.kubernetes.Labels;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link OperatorReconciliationTests} on fabric8's mock API server in CRUD mode. That server has no server-side apply,
 * so it is off here: objects are created or updated whole, and the status is patched without apply.
 */
class OperatorOnMockServerWithoutServerSideApplyTest extends OperatorReconciliationTests {
    // made by hand rather than by @EnableKubernetesMockClient, which would give each test a server of its own
    private final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
            new KubernetesCrudDispatcher(), false);

    @Override
    KubernetesClient apiServer() {
        server.init();
        return server.createClient();
    }

    @Override
    void stopApiServer() {
        client.close();
        server.destroy();
    }

    @Override
    boolean serverSideApply() {
        return false;
    }

    /** The mock server enforces no schema, so an invalid spec reaches the operator: it reports it and does nothing. */
    @Test
    void anInvalidSpecThatGetsPastTheSchemaIsReportedAndNotActedOn() {
        create("broken", new DatabaseClusterSpec("2.17.0", 3, new AggregatorsSpec(1, 0.5), new LeavesSpec(1, 1.0, 10, null),
                Map.of(), false));
        await().atMost(CONVERGE).untilAsserted(() -> {
            DatabaseCluster cluster = get("broken");
            assertThat(cluster.getStatus()).isNotNull();
            assertThat(cluster.getStatus().phase()).isEqualTo(Phase.Failed);
            assertThat(cluster.getStatus().condition(Condition.READY)).hasValueSatisfying(c -> {
                assertThat(c.reason()).isEqualTo("InvalidSpec");
                assertThat(c.message()).contains("redundancyLevel");
            });
        });
        assertThat(client.apps().statefulSets().inNamespace(NAMESPACE).withLabels(Labels.cluster("broken")).list().getItems())
                .isEmpty();
    }

    /**
     * The mock server has no transition rule either: a change of leaves.count on release 2.16.0 reaches the operator,
     * which compares it with the leaves its status counts, reports it naming the field, and adds no leaf.
     */
    @Test
    void anOlderEnginesLeafCountChangeIsReportedAndNotActedOn() {
        create("elder", spec(1, 0.5).withRelease("2.16.0"));
        awaitReady("elder", 1);
        int before = controller.created("elder").size();

        editLeaves("elder", new LeavesSpec(2, 0.5, 10, null));

        await().atMost(CONVERGE).untilAsserted(() -> {
            DatabaseCluster cluster = get("elder");
            assertThat(cluster.getStatus().phase()).isEqualTo(Phase.Failed);
            assertThat(cluster.getStatus().condition(Condition.READY)).hasValueSatisfying(c -> {
                assertThat(c.reason()).isEqualTo("InvalidSpec");
                assertThat(c.message()).startsWith("spec.leaves.count: the leaves cannot be added or removed on release 2.16.0");
            });
        });
        assertThat(statefulSet("elder-leaves-ag1").getSpec().getReplicas()).as("no leaf added").isEqualTo(1);
        assertThat(controller.created("elder")).as("no pod made or restarted").hasSize(before);
        editLeaves("elder", new LeavesSpec(1, 0.5, 10, null));
        awaitReady("elder", 3);
    }

    /** The requests the server received from clients whose user agent contains {@code agent}, as RBAC sees them. */
    static Set<ApiRequest> requestsMadeBy(KubernetesMockServer server, String agent) throws InterruptedException {
        Set<ApiRequest> made = new TreeSet<>(java.util.Comparator.comparing(ApiRequest::toString));
        for (RecordedRequest request = server.takeRequest(100, TimeUnit.MILLISECONDS); request != null;
             request = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
            String userAgent = request.getHeaders().get("User-Agent");
            if (userAgent != null && userAgent.contains(agent)) {
                ApiRequest.parse(request.getMethod(), request.getPath()).ifPresent(made::add);
            }
        }
        return made;
    }

    /** Every request is allowed by the chart's ClusterRole. */
    static void assertTheChartAllows(Set<ApiRequest> made) {
        JsonNode rules = Chart.ofKind(Chart.documents(Chart.render(Map.of())), "ClusterRole").get(0).path("rules");
        assertThat(made).allSatisfy(request -> assertThat(Chart.allows(rules, request))
                .as("the chart's ClusterRole allows %s", request).isTrue());
    }

    /**
     * Last, once every other test has made the operator do its work: every request it made is allowed by the chart's
     * ClusterRole (leader election's Lease requests, off here, are checked against the Role by
     * {@link LeaderElectionOnMockServerWithoutServerSideApplyTest}). Nothing else is needed:
     * the role is least privilege as long as each of its verbs shows up here or in leader election.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void theChartsRbacAllowsEveryRequestTheOperatorMade() throws InterruptedException {
        Set<ApiRequest> made = requestsMadeBy(server, OPERATOR_AGENT);
        assertThat(made).extracting(ApiRequest::toString).contains("create events", "patch canopy.dev/databaseclusters/status",
                "delete pods", "delete persistentvolumeclaims", "watch pods", "create apps/statefulsets");
        assertTheChartAllows(made);
    }
}

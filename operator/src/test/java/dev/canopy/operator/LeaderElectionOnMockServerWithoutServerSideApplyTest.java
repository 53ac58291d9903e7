package dev.canopy.operator;

import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.PlannerPolicy;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.canopy.operator.OperatorReconciliationTests.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas of the operator with leader election on fabric8's mock API server (CRUD mode, so server-side apply off;
 * the engine faked by pod readiness): only the one holding the Lease reconciles, and when it stops the other takes
 * over. Short leases, and replicas that do not exit when they stop leading, so that the test JVM survives.
 */
class LeaderElectionOnMockServerWithoutServerSideApplyTest {
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final String REPLICA_AGENT = "canopy-operator-replica";
    /** The chart's leader-election Role: what the real authorizer would allow the replicas. */
    private static final JsonNode LEASE_RULES = Chart.ofKind(Chart.documents(Chart.render(Map.of())), "Role").get(0).path("rules");
    private final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
            new LeaseRulesReviewingDispatcher(LEASE_RULES), false);
    private KubernetesClient client;
    /** The replicas' own client, told apart by its user agent: the test checks the Lease requests they made. */
    private KubernetesClient replicaClient;
    private StatefulSetController controller;
    private final Map<String, Operator> replicas = new HashMap<>();
    private final Map<String, LeadershipExit> leaderships = new HashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger exits = new java.util.concurrent.atomic.AtomicInteger();

    @AfterEach
    void stop() {
        replicas.values().forEach(Operator::stop);
        controller.close();
        replicaClient.close();
        client.close();
        server.destroy();
    }

    /** Replicas that exit when they lose the Lease, as in production: here an exit is counted, not carried out. */
    private Operator replica(String name, PodReadinessEngine engine) {
        OperatorSettings settings = OperatorReconciliationTests.settings(false).electing(name, LEASE, true);
        LeadershipExit leadership = new LeadershipExit(true, exits::incrementAndGet);
        leaderships.put(name, leadership);
        Operator operator = CanopyOperator.create(replicaClient, settings, engine, new SimpleMeterRegistry(), Clock.systemUTC(),
                PlannerPolicy.DEFAULTS, leadership);
        replicas.put(name, operator);
        return operator;
    }

    private String holder() {
        Lease lease = client.leases().inNamespace(NAMESPACE).withName("canopy-operator").get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    private Set<String> reporters() {
        return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream().map(Event::getReportingInstance)
                .collect(Collectors.toSet());
    }

    private DatabaseCluster get() {
        return client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName("orders").get();
    }

    private void awaitReady(long generation) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(get().getStatus()).isNotNull();
            assertThat(get().getStatus().observedGeneration()).isEqualTo(generation);
            assertThat(get().getStatus().phase()).isEqualTo(Phase.Ready);
        });
    }

    @Test
    void onlyTheLeaseHolderReconcilesAndTheOtherReplicaTakesOverWhenItStops() throws Exception {
        server.init();
        client = server.createClient();
        replicaClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withUserAgent(REPLICA_AGENT).build()).build();
        OperatorReconciliationTests.prepare(client);
        controller = new StatefulSetController(client, NAMESPACE).start();
        PodReadinessEngine engine = new PodReadinessEngine(client, NAMESPACE);
        replica("replica-a", engine).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> "replica-a".equals(holder()));
        replica("replica-b", engine).start();

        DatabaseCluster cluster = new DatabaseCluster();
        cluster.getMetadata().setName("orders");
        cluster.getMetadata().setNamespace(NAMESPACE);
        cluster.setSpec(OperatorReconciliationTests.spec(1, 1.0));
        client.resource(cluster).create();
        awaitReady(1);
        assertThat(holder()).isEqualTo("replica-a");
        assertThat(reporters()).as("every step taken by the leader").containsExactly("replica-a");
        assertThat(CanopyOperator.ready(replicas.get("replica-a"))).isTrue();
        assertThat(CanopyOperator.ready(replicas.get("replica-b"))).as("a follower is ready too: a Deployment's rollout waits on it")
                .isTrue();

        // stopped as its shutdown hook stops it: JOSDK's exit on stop leading then hung the process in System.exit
        leaderships.get("replica-a").shuttingDown();
        replicas.remove("replica-a").stop();
        assertThat(exits).as("a leader shutting down does not exit from within its shutdown").hasValue(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> "replica-b".equals(holder()));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k
                && k.getCode() == 409).until(() -> {
            client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName("orders").edit(c -> {
                c.setSpec(OperatorReconciliationTests.withLeaves(c.getSpec(), new LeavesSpec(2, 1.0, 10, null)));
                return c;
            });
            return true;
        });
        awaitReady(2);
        assertThat(reporters()).containsExactlyInAnyOrder("replica-a", "replica-b");

        // what the real authorizer checks: each Lease request's verb against the chart's Role (fabric8 renews with PATCH,
        // which a Role of get, create and update refuses: the leader then stops leading and exits)
        Set<ApiRequest> leaseRequests = OperatorOnMockServerWithoutServerSideApplyTest.requestsMadeBy(server, REPLICA_AGENT)
                .stream().filter(r -> r.resource().equals("leases")).collect(Collectors.toSet());
        assertThat(leaseRequests).extracting(ApiRequest::verb).contains("create", "get");
        assertThat(leaseRequests).allSatisfy(request -> assertThat(Chart.allows(LEASE_RULES, request))
                .as("the chart's leader-election Role allows %s", request).isTrue());
    }
}

package dev.canopy.operator;

import dev.canopy.core.AheadClock;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.runtime.kubernetes.Labels;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
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

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator on fabric8's mock API server (no server-side apply, no kubelet: the {@link StatefulSetController} makes
 * the pods) with a fake engine that captures changes and switches over ({@link BlueGreenFakeEngine}: no Ignite runs
 * here; the engine's copy, stream, fence and digests are tested on real nodes by engine-ignite and region-local), and
 * the helpers its tests share.
 */
abstract class OnMockServerWithFakeEngine {
    static final String NAMESPACE = OperatorReconciliationTests.NAMESPACE;
    static final String AGENT = "canopy-operator-fake-engine";
    final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
            new KubernetesCrudDispatcher(), false);
    KubernetesClient client;
    KubernetesClient operatorClient;
    StatefulSetController controller;
    Operator operator;
    BlueGreenFakeEngine engine;
    /** The system's time, moved ahead by a test to reach a time bound without waiting for it. */
    final AheadClock clock = AheadClock.flowing();

    @BeforeEach
    void startOperator() throws Exception {
        server.init();
        client = server.createClient();
        OperatorReconciliationTests.prepare(client);
        engine = new BlueGreenFakeEngine(client, NAMESPACE);
        controller = new StatefulSetController(client, NAMESPACE).start();
        operatorClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withUserAgent(AGENT).build()).build();
        // the operator's own per-namespace logins, which the fake engine logs in with (see BlueGreenFakeEngine#over)
        operator = CanopyOperator.create(operatorClient, OperatorReconciliationTests.settings(false),
                new NamespaceEngines(operatorClient, clock, engine::over), new SimpleMeterRegistry(), PlannerPolicy.DEFAULTS);
        operator.start();
    }

    @AfterEach
    void stopOperator() {
        if (operator != null) {
            operator.stop();
        }
        if (controller != null) {
            controller.close();
        }
        if (operatorClient != null) {
            operatorClient.close();
        }
        client.close();
        server.destroy();
    }

    void create(String name) {
        DatabaseCluster created = new DatabaseCluster();
        created.getMetadata().setName(name);
        created.getMetadata().setNamespace(NAMESPACE);
        created.setSpec(spec());
        client.resource(created).create();
    }

    /** One aggregator and one leaf per availability group, at 2.16.0. */
    static DatabaseClusterSpec spec() {
        return new DatabaseClusterSpec("2.16.0", 2, new AggregatorsSpec(1, 0.5), new LeavesSpec(1, 1.0, 10, null), Map.of(), false);
    }

    void awaitPhase(long generation, Phase phase) {
        awaitPhase("ledger", generation, phase);
    }

    void awaitPhase(String name, long generation, Phase phase) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            DatabaseCluster now = get(name);
            assertThat(now.getStatus()).isNotNull();
            assertThat(now.getStatus().observedGeneration()).isEqualTo(generation);
            assertThat(now.getStatus().phase()).isEqualTo(phase);
        });
    }

    void editRelease(String release) {
        editRelease("ledger", release);
    }

    void editRelease(String name, String release) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k
                && k.getCode() == 409).until(() -> {
            client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName(name).edit(c -> {
                c.setSpec(c.getSpec().withRelease(release));
                return c;
            });
            return true;
        });
    }

    DatabaseCluster get() {
        return get("ledger");
    }

    DatabaseCluster get(String name) {
        return client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName(name).get();
    }

    StatefulSet statefulSet(String name) {
        return client.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
    }

    String sqlServiceSelects() {
        return sqlServiceSelects("ledger");
    }

    String sqlServiceSelects(String name) {
        return client.services().inNamespace(NAMESPACE).withName(name + "-sql").get().getSpec().getSelector().get(Labels.INSTANCE);
    }

    /** Waits until the replica streams with its lag measured; the states its status went through, in order. */
    java.util.List<String> awaitStreaming(String replica) {
        java.util.List<String> states = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            DatabaseCluster now = get(replica);
            dev.canopy.api.ReplicationStatus replication = now.getStatus() == null ? null : now.getStatus().replication();
            assertThat(replication).isNotNull();
            String state = replication.state().substring(0, replication.state().indexOf(':'));
            if (states.isEmpty() || !states.getLast().equals(state)) {
                states.add(state);
            }
            assertThat(state).isEqualTo(dev.canopy.core.ReplicaFeed.STREAMING);
            assertThat(replication.lagSeconds()).as("the lag, once streaming").isNotNull();
        });
        System.out.println(replica + ": replica states seen in status: " + states);
        return states;
    }

    void edit(String name, java.util.function.Consumer<DatabaseCluster> change) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k
                && k.getCode() == 409).until(() -> {
            client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName(name).edit(c -> {
                change.accept(c);
                return c;
            });
            return true;
        });
    }

    /** Removes the replica's {@code replicaOf} and waits until it is promoted with every table equal to its fenced source's. */
    void promoteWithSourceFenced(String replica) {
        edit(replica, c -> c.setSpec(c.getSpec().withReplicaOf(null)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(get(replica).getStatus().replication().promotedAt()).isNotNull());
        dev.canopy.api.ReplicationStatus promoted = get(replica).getStatus().replication();
        assertThat(promoted.state()).startsWith(dev.canopy.core.ReplicaFeed.PROMOTED).contains("every table equals the fenced source's");
        assertThat(promoted.sourceFenced()).isTrue();
    }
}

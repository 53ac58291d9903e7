package dev.canopy.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.Phase;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.ReplicationStatus;
import dev.canopy.core.ReplicaFeed;
import dev.canopy.core.ReplicationTarget;
import dev.canopy.runtime.kubernetes.CaptureSidecar;
import dev.canopy.runtime.kubernetes.NodeStatefulSet;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica fed by the operator from a DatabaseCluster of its namespace, then promoted, on the mock API server with the
 * fake engine (see {@link OnMockServerWithFakeEngine}). What is real is the operator's side: the replication ConfigMaps,
 * the source's capture sidecars and capture ConfigMaps aimed at the replica's aggregators, the order of the engine's
 * calls, and the replica's {@code status.replication} on the way.
 */
class ReplicaOnMockServerWithFakeEngineTest extends OnMockServerWithFakeEngine {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aReplicaIsFedFromASourceOfItsNamespaceAndPromotedWithTheSourceFenced() throws Exception {
        create("orders");
        awaitPhase("orders", 1, Phase.Ready);
        createReplica("orders-dr", new ReplicaOfSpec("orders", null));

        List<String> states = awaitStreaming("orders-dr");
        ReplicationStatus fed = get("orders-dr").getStatus().replication();
        assertThat(fed.source()).isEqualTo(NAMESPACE + "/orders");
        assertThat(fed.rowsCopied()).isEqualTo(10);
        assertThat(states).contains(ReplicaFeed.COPYING).doesNotContain(ReplicaFeed.PROMOTED);
        assertThat(engine.calls()).containsExactly("copySchema orders -> orders-dr", "copyRows orders -> orders-dr");
        assertThat(engine.containersAtCopy()).as("the source's leaves ran a capture sidecar when the replica was filled")
                .containsOnlyKeys("orders-leaves-ag1-0", "orders-leaves-ag2-0")
                .allSatisfy((pod, containers) -> assertThat(containers).containsExactly(NodeStatefulSet.CONTAINER, CaptureSidecar.CONTAINER));
        ReplicationTarget target = JSON.readValue(configMap("orders-replication").getData().get("target.json"), ReplicationTarget.class);
        assertThat(target.cluster()).isEqualTo("orders-dr");
        assertThat(target.held()).as("released once the copy was done").isFalse();
        assertThat(target.addresses()).containsExactly("orders-dr-aggregators-0.orders-dr-aggregators." + NAMESPACE + ".svc:10800");
        for (String leaf : List.of("orders-leaves-ag1-0", "orders-leaves-ag2-0")) {
            assertThat(configMap(leaf + "-capture")).as("the capture beside %s", leaf).isNotNull()
                    .satisfies(map -> assertThat(String.join("", map.getData().values()))
                            .contains("orders-dr-aggregators-0.orders-dr-aggregators." + NAMESPACE + ".svc:10800"));
        }
        assertThat(configMap("orders-dr-replica").getData()).containsKey("replica.json");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(get("orders").getStatus().phase()).as("the source serves, capturing").isEqualTo(Phase.Ready));

        promoteWithSourceFenced("orders-dr");
        assertThat(engine.calls()).containsExactly("copySchema orders -> orders-dr", "copyRows orders -> orders-dr",
                "fence orders");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(configMap("orders-replication").getData()).as("the source streams no more").doesNotContainKey("target.json");
            assertThat(configMap("orders-leaves-ag1-0-capture")).as("its captures stop").isNull();
            assertThat(configMap("orders-leaves-ag2-0-capture")).isNull();
        });
        assertThat(get("orders-dr").getStatus().phase()).isEqualTo(Phase.Ready);

        // the former source taking writes again (as Ignite does after all its nodes restarted) is fenced again
        dev.canopy.core.Topology source = new dev.canopy.core.Topology("orders", get("orders").getSpec(), java.util.Map.of());
        engine.unfence(source);
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.fenced(source));
        assertThat(engine.calls()).endsWith("fence orders", "unfence orders", "fence orders");

        OperatorOnMockServerWithoutServerSideApplyTest.assertTheChartAllows(
                OperatorOnMockServerWithoutServerSideApplyTest.requestsMadeBy(server, AGENT));
    }

    @Test
    void aFailedCopyIsReportedAndStartedAgainAndADeletedReplicaIsNoLongerFed() {
        engine.failNextCopies(1);
        create("books");
        awaitPhase("books", 1, Phase.Ready);
        createReplica("books-dr", new ReplicaOfSpec("books", null));
        List<String> states = new java.util.concurrent.CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            DatabaseCluster now = get("books-dr");
            ReplicationStatus replication = now.getStatus() == null ? null : now.getStatus().replication();
            assertThat(replication).isNotNull();
            states.add(replication.state());
            assertThat(replication.state()).startsWith(ReplicaFeed.STREAMING);
        });
        assertThat(states).as("the failure was in the status before the copy was started again")
                .anySatisfy(state -> assertThat(state).startsWith(ReplicaFeed.COPYING + ": the copy failed, starting it again in 1 s (failures so far: 1):")
                        .contains("connection refused by books-dr's aggregators"));
        assertThat(engine.calls()).containsSubsequence("copySchema books -> books-dr", "copySchema books -> books-dr",
                "copyRows books -> books-dr");

        client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName("books-dr").delete();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(get("books-dr")).isNull();
            assertThat(configMap("books-replication").getData()).as("the source streams no more").doesNotContainKey("target.json");
            assertThat(configMap("books-leaves-ag1-0-capture")).as("its captures stop").isNull();
        });
        assertThat(engine.calls()).as("a deleted replica fences nothing").doesNotContain("fence books");
        // no longer a source: its leaves roll back to running without capture (no log kept for a capture)
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(get("books").getStatus().phase()).isEqualTo(Phase.Ready);
            assertThat(statefulSet("books-leaves-ag1").getSpec().getTemplate().getSpec().getContainers())
                    .extracting(io.fabric8.kubernetes.api.model.Container::getName).containsExactly(NodeStatefulSet.CONTAINER);
        });
    }

    @Test
    void aReplicaOfAReplicaIsFedFromItWhileItIsFedItself() {
        create("ledger");
        awaitPhase("ledger", 1, Phase.Ready);
        createReplica("ledger-dr", new ReplicaOfSpec("ledger", null));
        awaitStreaming("ledger-dr");
        createReplica("ledger-dr2", new ReplicaOfSpec("ledger-dr", null));
        awaitStreaming("ledger-dr2");
        assertThat(get("ledger-dr2").getStatus().replication().source()).isEqualTo(NAMESPACE + "/ledger-dr");
        assertThat(engine.calls()).containsSubsequence("copyRows ledger -> ledger-dr", "copyRows ledger-dr -> ledger-dr2");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(get("ledger-dr").getStatus().replication().state()).as("the middle one is still fed")
                    .startsWith(ReplicaFeed.STREAMING);
            assertThat(configMap("ledger-dr-replica").getData()).as("and streams to the last one")
                    .containsEntry("streams-to", "ledger-dr2").containsKey("replica.json");
        });
    }

    @Test
    void aReplicaOfAnotherRegionOrOfItselfIsRefusedNamingTheField() {
        create("ledger");
        createReplica("ledger-eu", new ReplicaOfSpec("ledger", "eu"));
        createReplica("ledger-self", new ReplicaOfSpec("ledger-self", null));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(get("ledger-eu").getStatus()).isNotNull();
            assertThat(get("ledger-eu").getStatus().phase()).isEqualTo(Phase.Failed);
            assertThat(get("ledger-eu").getStatus().condition(Condition.READY)).hasValueSatisfying(c -> {
                assertThat(c.reason()).isEqualTo("InvalidSpec");
                assertThat(c.message()).contains("spec.replicaOf.region").contains("no Secret canopy-region-eu");
            });
            assertThat(get("ledger-self").getStatus()).isNotNull();
            assertThat(get("ledger-self").getStatus().condition(Condition.READY)).hasValueSatisfying(c ->
                    assertThat(c.message()).contains("spec.replicaOf.cluster").contains("itself"));
        });
        assertThat(statefulSet("ledger-eu-leaves-ag1")).as("nothing is made for a refused spec").isNull();
        assertThat(configMap("ledger-replication")).as("the source is not asked to capture").isNull();
    }

    private void createReplica(String name, ReplicaOfSpec of) {
        DatabaseCluster created = new DatabaseCluster();
        created.getMetadata().setName(name);
        created.getMetadata().setNamespace(NAMESPACE);
        created.setSpec(spec().withReplicaOf(of));
        client.resource(created).create();
    }

    private ConfigMap configMap(String name) {
        return client.configMaps().inNamespace(NAMESPACE).withName(name).get();
    }
}

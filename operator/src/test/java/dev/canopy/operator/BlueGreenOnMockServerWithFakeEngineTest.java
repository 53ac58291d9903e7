package dev.canopy.operator;

import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.Phase;
import dev.canopy.api.UpgradeStatus;
import dev.canopy.core.BlueGreen;
import dev.canopy.runtime.kubernetes.CaptureSidecar;
import dev.canopy.runtime.kubernetes.Labels;
import dev.canopy.runtime.kubernetes.NodeStatefulSet;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A blue/green engine upgrade by the operator, on fabric8's mock API server (no server-side apply, no kubelet: the
 * {@link StatefulSetController} makes the pods) with a fake engine ({@link BlueGreenFakeEngine}: no Ignite runs here;
 * the engine's copy, stream, fence and digests are tested on real nodes by engine-ignite and region-local). What is real
 * is the operator's side: the second deployment's objects, the capture sidecars and their ConfigMaps, the upgrade's
 * ConfigMap, the SQL Service's selector moving to green, blue's retirement, and the status on the way.
 */
class BlueGreenOnMockServerWithFakeEngineTest extends OnMockServerWithFakeEngine {
    @Test
    void anEngineUpgradeBuildsGreenBesideBlueMovesTheSqlServiceAndRetiresBlue() throws Exception {
        create("ledger");
        awaitPhase(1, Phase.Ready);
        assertThat(sqlServiceSelects()).isEqualTo("ledger");
        String url = get().getStatus().endpoints().jdbcUrl();
        assertThat(statefulSet("ledger-leaves-ag1").getSpec().getTemplate().getSpec().getContainers())
                .extracting(Container::getName).as("no capture sidecar while nothing captures").containsExactly("node");

        editRelease("2.17.0");
        List<String> steps = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            DatabaseCluster now = get();
            UpgradeStatus upgrade = now.getStatus().upgrade();
            if (upgrade != null && upgrade.step() != null && (steps.isEmpty() || !steps.getLast().equals(upgrade.step()))) {
                steps.add(upgrade.step());
            }
            assertThat(upgrade).isNotNull();
            assertThat(upgrade.step()).isEqualTo(BlueGreen.DONE);
            assertThat(now.getStatus().phase()).isEqualTo(Phase.Ready);
        });
        DatabaseCluster upgraded = get();
        System.out.println("blue/green steps seen in status: " + steps + "; write pause "
                + upgraded.getStatus().upgrade().writePauseSeconds() + " s");

        assertThat(upgraded.getStatus().release()).isEqualTo("2.17.0");
        assertThat(upgraded.getStatus().endpoints().jdbcUrl()).as("clients keep their URL").isEqualTo(url)
                .isEqualTo("jdbc:ignite:thin://ledger-sql.db.svc:10800");
        assertThat(upgraded.getStatus().endpoints().aggregators()).containsExactly("ledger-b-aggregators-0.ledger-b-aggregators.db.svc:10800");
        assertThat(upgraded.getStatus().upgrade().strategy()).isEqualTo(UpgradeStatus.BLUE_GREEN);
        assertThat(upgraded.getStatus().upgrade().writePauseSeconds()).isNotNull();
        assertThat(steps).contains(BlueGreen.COPYING).doesNotContain(BlueGreen.ABANDONED);
        assertThat(engine.calls()).containsExactly("copySchema ledger -> ledger-b", "copyRows ledger -> ledger-b", "fence ledger");
        assertThat(engine.containersAtCopy()).as("blue's leaves ran a capture sidecar when green was filled")
                .containsOnlyKeys("ledger-leaves-ag1-0", "ledger-leaves-ag2-0")
                .allSatisfy((pod, containers) -> assertThat(containers).containsExactly(NodeStatefulSet.CONTAINER, CaptureSidecar.CONTAINER));

        assertThat(sqlServiceSelects()).as("the client Service selects green's aggregators").isEqualTo("ledger-b");
        for (String group : List.of("leaves-ag1", "leaves-ag2", "aggregators")) {
            assertThat(statefulSet("ledger-" + group)).as("blue's %s are retired", group).isNull();
            StatefulSet green = statefulSet("ledger-b-" + group);
            assertThat(green.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                    .isEqualTo("apacheignite/ignite:2.17.0");
            assertThat(green.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(ref -> assertThat(ref.getName()).isEqualTo("ledger"));
        }
        assertThat(client.services().inNamespace(NAMESPACE).withName("ledger-leaves-ag1").get()).isNull();
        assertThat(client.services().inNamespace(NAMESPACE).withName("ledger-b-leaves-ag1").get()).isNotNull();
        assertThat(client.configMaps().inNamespace(NAMESPACE).withLabels(Labels.cluster("ledger")).list().getItems())
                .as("blue's node and capture ConfigMaps are gone; the upgrade's remains")
                .extracting(m -> m.getMetadata().getName()).containsExactly("ledger-upgrade");
        ConfigMap progress = client.configMaps().inNamespace(NAMESPACE).withName("ledger-upgrade").get();
        assertThat(progress.getData()).containsEntry("serving", "ledger-b").containsKey("blue-green.json");
        assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).withLabels(Labels.cluster("ledger")).list().getItems())
                .as("blue's volumes are deleted").isEmpty();
        assertThat(client.secrets().inNamespace(NAMESPACE).withName("ledger-admin").get()).as("credentials stay").isNotNull();
        assertThat(client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> "ledger".equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList())
                .as("the upgrade's steps in the cluster's Events").contains("BlueGreenCopying", "BlueGreenFenced",
                        "BlueGreenDone");

        OperatorOnMockServerWithoutServerSideApplyTest.assertTheChartAllows(
                OperatorOnMockServerWithoutServerSideApplyTest.requestsMadeBy(server, AGENT));
    }

    @Test
    void aGreenThatDoesNotCatchUpAfterTheFenceIsAbandonedAndBlueKeepsServingUnfenced() {
        create("audit");
        awaitPhase("audit", 1, Phase.Ready);
        engine.neverCatchesUp("audit-b");
        editRelease("audit", "2.17.0");
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(get("audit").getStatus().upgrade())
                .isNotNull().extracting(UpgradeStatus::step).isEqualTo(BlueGreen.FENCED));
        clock.moveAhead(BlueGreen.Policy.DEFAULTS.catchUpTimeout().plusSeconds(1));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("audit").getStatus().upgrade().step())
                .isEqualTo(BlueGreen.ABANDONED));

        DatabaseCluster abandoned = get("audit");
        assertThat(abandoned.getStatus().condition(dev.canopy.api.Condition.PROGRESSING)).hasValueSatisfying(c ->
                assertThat(c.message()).contains("did not catch up").contains("blue is unfenced and keeps serving"));
        assertThat(abandoned.getStatus().release()).isEqualTo("2.16.0");
        assertThat(abandoned.getStatus().phase()).as("not Ready at a generation whose release it does not run").isEqualTo(Phase.Failed);
        assertThat(abandoned.getStatus().condition(dev.canopy.api.Condition.READY)).hasValueSatisfying(c -> {
            assertThat(c.status()).isEqualTo(dev.canopy.api.Condition.FALSE);
            assertThat(c.reason()).isEqualTo("UpgradeAbandoned");
            assertThat(c.message()).startsWith("the upgrade to 2.17.0 was abandoned").contains("Set release back to 2.16.0");
        });
        assertThat(engine.calls()).containsSubsequence("fence audit", "unfence audit");
        assertThat(engine.fenced(new dev.canopy.core.Topology("audit", abandoned.getSpec(), Map.of()))).isFalse();
        assertThat(sqlServiceSelects("audit")).as("the clients stay on blue").isEqualTo("audit");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(client.apps().statefulSets().inNamespace(NAMESPACE).withLabels(Labels.cluster("audit-b")).list().getItems())
                    .as("green is deleted").isEmpty();
            assertThat(client.configMaps().inNamespace(NAMESPACE).withLabels(Labels.cluster("audit")).list().getItems())
                    .extracting(m -> m.getMetadata().getName()).as("blue's captures are stopped")
                    .noneMatch(name -> name.endsWith("-capture"));
        });
        assertThat(statefulSet("audit-leaves-ag1")).as("blue stays").isNotNull();
        assertThat(get("audit").getStatus().phase()).isEqualTo(Phase.Failed);
        // the release it runs, asked for again: Ready at that generation
        editRelease("audit", "2.16.0");
        awaitPhase("audit", 3, Phase.Ready);
    }

}

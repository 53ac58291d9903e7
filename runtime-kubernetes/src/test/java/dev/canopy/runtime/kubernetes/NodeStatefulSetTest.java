package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodeId;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NodeStatefulSetTest {
    private final OwnedCluster cluster = TestClusters.orders();

    private StatefulSet build(NodeGroup group, RuntimeSettings settings) {
        NodeLaunches launches = NodeLaunches.parse(null).with(group.node(0), "2.17.0", "abc");
        return NodeStatefulSet.build(new NodeStatefulSet.Input(cluster, group, 2, launches, "2.17.0",
                List.of("-Xmx2048m", "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED")), settings);
    }

    @Test
    void leavesAreOnDeleteParallelWithClaimTemplatesAndOwnedByTheCluster() {
        StatefulSet set = build(NodeGroup.LEAVES_AG2, RuntimeSettings.defaults());
        assertThat(set.getMetadata().getName()).isEqualTo("orders-leaves-ag2");
        assertThat(set.getMetadata().getLabels()).containsEntry(Labels.NAME, "canopy").containsEntry(Labels.INSTANCE, "orders")
                .containsEntry(Labels.COMPONENT, "leaf").containsEntry(Labels.MANAGED_BY, "canopy-operator")
                .containsEntry(Labels.AVAILABILITY_GROUP, "AG2");
        assertThat(set.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
            assertThat(ref.getKind()).isEqualTo("DatabaseCluster");
            assertThat(ref.getUid()).isEqualTo("uid-1");
            assertThat(ref.getController()).isTrue();
        });
        assertThat(set.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
        assertThat(set.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(set.getSpec().getServiceName()).isEqualTo("orders-leaves-ag2");
        assertThat(set.getSpec().getSelector().getMatchLabels()).isEqualTo(set.getSpec().getTemplate().getMetadata().getLabels());
        assertThat(set.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled()).isEqualTo("Retain");
        assertThat(set.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Delete");
        PersistentVolumeClaim claim = set.getSpec().getVolumeClaimTemplates().get(0);
        assertThat(claim.getMetadata().getName()).isEqualTo("data");
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
        assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("20Gi"));
        assertThat(set.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry(NodeLaunches.ANNOTATION, "leaf-ag2-0=2.17.0/abc");
    }

    @Test
    void retainedVolumesOutliveTheStatefulSet() {
        OwnedCluster retained = new OwnedCluster(cluster.namespace(), cluster.name(), cluster.uid(), cluster.spec(), true);
        StatefulSet set = NodeStatefulSet.build(new NodeStatefulSet.Input(retained, NodeGroup.LEAVES_AG1, 1,
                NodeLaunches.parse(null), "2.17.0", List.of()), RuntimeSettings.defaults());
        assertThat(set.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Retain");
    }

    @Test
    void theContainerRunsTheOfficialImageFromItsOwnConfigFileWithResourcesFromHeight() {
        StatefulSet set = build(NodeGroup.LEAVES_AG1, RuntimeSettings.defaults());
        PodSpec pod = set.getSpec().getTemplate().getSpec();
        Container node = pod.getContainers().get(0);
        assertThat(node.getImage()).isEqualTo("apacheignite/ignite:2.17.0");
        Map<String, String> env = node.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(env).containsEntry("CONFIG_URI", "file:///opt/canopy/config/$(POD_NAME).xml");
        // the image's JDK may be older than the platform's: flags only JDK 23+ knows would stop it from starting
        assertThat(env.get("JVM_OPTS")).isEqualTo("-Xmx2048m");
        assertThat(node.getEnv().get(0).getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        assertThat(node.getResources().getRequests()).containsEntry("cpu", new Quantity("1000m"))
                .containsEntry("memory", new Quantity("4096Mi"));
        assertThat(node.getResources().getLimits()).isEqualTo(node.getResources().getRequests());
        assertThat(node.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(47500, 47100, 10800, 8080);
        // ready on the engine's word that the node has started (engine-ignite's HealthEndpoint), served by the
        // image's REST module
        assertThat(node.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ignite?cmd=probe");
        assertThat(node.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8080);
        assertThat(env).containsEntry("OPTION_LIBS", "ignite-rest-http");
        assertThat(node.getLivenessProbe().getExec().getCommand()).isEqualTo(NodeProbes.listening(47500));
        assertThat(node.getVolumeMounts()).extracting(m -> m.getMountPath()).contains("/opt/canopy/config", "/persistence");
        assertThat(pod.getInitContainers()).isEmpty();
        // every started node's own ConfigMap, projected: each pod reads the file named after it
        assertThat(pod.getVolumes().get(0).getProjected().getSources()).singleElement().satisfies(source -> {
            assertThat(source.getConfigMap().getName()).isEqualTo("orders-leaves-ag1-0-config");
            assertThat(source.getConfigMap().getOptional()).isTrue();
        });
    }

    @Test
    void aggregatorsAreSizedByTheirOwnHeightAndHaveNoClaims() {
        StatefulSet set = build(NodeGroup.AGGREGATORS, RuntimeSettings.defaults().withNodeLibsImage("canopy/operator:1"));
        Container node = set.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(node.getResources().getRequests()).containsEntry("cpu", new Quantity("500m"))
                .containsEntry("memory", new Quantity("2048Mi"));
        assertThat(set.getSpec().getVolumeClaimTemplates()).isEmpty();
        // a client node opens no discovery port: alive while its SQL listener answers
        assertThat(node.getLivenessProbe().getExec().getCommand()).isEqualTo(NodeProbes.listening(10800));
        assertThat(set.getSpec().getTemplate().getSpec().getInitContainers()).singleElement()
                .satisfies(init -> assertThat(init.getImage()).isEqualTo("canopy/operator:1"));
        assertThat(node.getVolumeMounts()).extracting(m -> m.getMountPath()).contains(NodeStatefulSet.NODE_LIBS_DIR);
    }

    @Test
    void leavesOfOneGroupAvoidTheZonesOfTheOtherGroup() {
        StatefulSet set = build(NodeGroup.LEAVES_AG1, RuntimeSettings.defaults());
        WeightedPodAffinityTerm term = set.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution().get(0);
        assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
        assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels()).containsEntry(Labels.INSTANCE, "orders")
                .containsEntry(Labels.COMPONENT, "leaf");
        assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchExpressions()).singleElement().satisfies(e -> {
            assertThat(e.getKey()).isEqualTo(Labels.AVAILABILITY_GROUP);
            assertThat(e.getValues()).containsExactly("AG2");
        });
        assertThat(set.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).singleElement()
                .satisfies(c -> assertThat(c.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
    }

    @Test
    void aNodeIsPlacedAtItsPodsStableDnsNameOnTheDefaultPorts() {
        var placement = KubernetesRuntime.placement("db", "orders", NodeId.leaf(2, 3));
        assertThat(placement.host()).isEqualTo("orders-leaves-ag2-3.orders-leaves-ag2.db.svc");
        assertThat(placement.discoveryPort()).isEqualTo(47500);
        assertThat(placement.communicationPort()).isEqualTo(47100);
        assertThat(placement.sqlPort()).isEqualTo(10800);
        assertThat(KubernetesRuntime.placement("db", "orders", NodeId.aggregator(1)).host())
                .isEqualTo("orders-aggregators-1.orders-aggregators.db.svc");
    }
}

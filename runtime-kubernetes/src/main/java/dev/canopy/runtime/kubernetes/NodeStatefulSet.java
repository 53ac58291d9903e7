package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The StatefulSet of one node group. {@code OnDelete}: a template change restarts nothing by itself, core decides which
 * pod goes next and the runtime deletes it. {@code Parallel}: pods start together, since a leaf is ready only once the
 * others it waits for have started too. Pure: the same input builds the same object.
 */
public final class NodeStatefulSet {
    public static final String CONTAINER = "node";
    public static final String CONFIG_DIR = "/opt/canopy/config";
    public static final String DATA_DIR = "/persistence";
    public static final String AGGREGATOR_WORK_DIR = "/opt/canopy/work";
    /** A subdirectory of the engine's libs directory: the official image's startup script puts each one on the classpath. */
    public static final String NODE_LIBS_DIR = "/opt/ignite/apache-ignite/libs/canopy";
    public static final String ZONE_KEY = "topology.kubernetes.io/zone";
    public static final String HOST_KEY = "kubernetes.io/hostname";
    static final int LEAF_GRACE_SECONDS = 120;
    static final int AGGREGATOR_GRACE_SECONDS = 30;

    /**
     * What varies between two builds of the same group.
     *
     * @param replicas   pods 0..replicas-1 exist
     * @param launches   what each node was last started with (becomes the pod template's annotation)
     * @param release    the release the next pod to be created runs
     * @param jvmOptions the JVM flags of that release and height, as the engine rendered them
     * @param capture    leaves get a {@link CaptureSidecar} (the cluster's changes are captured)
     */
    public record Input(OwnedCluster cluster, NodeGroup group, int replicas, NodeLaunches launches, String release,
                        List<String> jvmOptions, boolean capture) {

        public Input(OwnedCluster cluster, NodeGroup group, int replicas, NodeLaunches launches, String release,
                     List<String> jvmOptions) {
            this(cluster, group, replicas, launches, release, jvmOptions, false);
        }
    }

    private NodeStatefulSet() {
    }

    public static StatefulSet build(Input in, RuntimeSettings settings) {
        OwnedCluster cluster = in.cluster();
        NodeGroup group = in.group();
        Map<String, String> labels = Labels.group(cluster.deployment(), group);
        double height = group.isLeaves() ? cluster.spec().leaves().height() : cluster.spec().aggregators().height();
        List<Volume> volumes = new ArrayList<>();
        boolean capture = in.capture() && group.isLeaves();
        volumes.add(configVolume(cluster.deployment(), in.launches(), capture));
        if (capture) {
            volumes.add(CaptureSidecar.loginsVolume(cluster.name()));
        }
        if (!group.isLeaves()) {
            volumes.add(new VolumeBuilder().withName("work").withNewEmptyDir().endEmptyDir().build());
        }
        List<Container> initContainers = new ArrayList<>();
        if (settings.nodeLibsImage() != null) {
            volumes.add(new VolumeBuilder().withName("node-libs").withNewEmptyDir().endEmptyDir().build());
            initContainers.add(new ContainerBuilder().withName("node-libs").withImage(settings.nodeLibsImage())
                    .withCommand("sh", "-c", "cp " + settings.nodeLibsPath() + "/*.jar /node-libs/")
                    .withVolumeMounts(mount("node-libs", "/node-libs", false)).build());
        }
        return new StatefulSetBuilder()
                .withNewMetadata()
                .withName(ObjectNames.statefulSet(cluster.deployment(), group)).withNamespace(cluster.namespace())
                .withLabels(labels).withOwnerReferences(cluster.ownerReferences())
                .endMetadata()
                .withNewSpec()
                .withReplicas(in.replicas())
                .withServiceName(ObjectNames.discoveryService(cluster.deployment(), group))
                .withPodManagementPolicy("Parallel")
                .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
                .withNewSelector().withMatchLabels(labels).endSelector()
                // scale-in keeps a claim: core deletes it once the leaf's data has moved away
                .withNewPersistentVolumeClaimRetentionPolicy().withWhenScaled("Retain")
                .withWhenDeleted(cluster.retainVolumes() ? "Retain" : "Delete").endPersistentVolumeClaimRetentionPolicy()
                .withVolumeClaimTemplates(group.isLeaves() ? List.of(claimTemplate(cluster, labels)) : List.of())
                .withNewTemplate()
                .withNewMetadata().withLabels(labels)
                .withAnnotations(Map.of(NodeLaunches.ANNOTATION, in.launches().format())).endMetadata()
                .withNewSpec()
                .withEnableServiceLinks(false)
                .withTerminationGracePeriodSeconds((long) (group.isLeaves() ? LEAF_GRACE_SECONDS : AGGREGATOR_GRACE_SECONDS))
                .withAffinity(affinity(cluster.deployment(), group))
                .withTopologySpreadConstraints(new TopologySpreadConstraintBuilder().withMaxSkew(1)
                        .withTopologyKey(HOST_KEY).withWhenUnsatisfiable("ScheduleAnyway")
                        .withNewLabelSelector().withMatchLabels(labels).endLabelSelector().build())
                .withInitContainers(initContainers)
                .withContainers(capture ? List.of(container(in, settings, height), CaptureSidecar.build(in.release(), settings))
                        : List.of(container(in, settings, height)))
                .withVolumes(volumes)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static Container container(Input in, RuntimeSettings settings, double height) {
        NodeGroup group = in.group();
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(mount("config", CONFIG_DIR, true));
        mounts.add(group.isLeaves() ? mount(ObjectNames.DATA_VOLUME, DATA_DIR, false) : mount("work", AGGREGATOR_WORK_DIR, false));
        if (settings.nodeLibsImage() != null) {
            mounts.add(mount("node-libs", NODE_LIBS_DIR, true));
        }
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
                .withFieldPath("metadata.name").endFieldRef().endValueFrom().build());
        // one file per pod, named after it: the downward API gives each pod its own name
        env.add(new EnvVarBuilder().withName("CONFIG_URI").withValue("file://" + CONFIG_DIR + "/$(POD_NAME).xml").build());
        env.add(new EnvVarBuilder().withName("JVM_OPTS").withValue(String.join(" ", ImageJvmOptions.of(in.jvmOptions()))).build());
        env.add(new EnvVarBuilder().withName("OPTION_LIBS").withValue(NodeProbes.optionLibs(settings.optionLibs())).build());
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(settings.imageOf(in.release()))
                .withEnv(env)
                .withPorts(port("discovery", Ports.DISCOVERY), port("communication", Ports.COMMUNICATION), port("sql", Ports.SQL),
                        port("health", Ports.HEALTH))
                .withResources(NodeResources.of(height))
                .withReadinessProbe(NodeProbes.readiness())
                .withLivenessProbe(NodeProbes.liveness(group))
                .withVolumeMounts(mounts)
                .build();
    }

    /**
     * Leaves of one availability group prefer zones without leaves of the other, so that losing a zone takes at most
     * one copy of each partition; preferred rather than required, so that a cluster without zone labels (or with one
     * zone) still schedules.
     */
    static Affinity affinity(String cluster, NodeGroup group) {
        if (!group.isLeaves()) {
            return new AffinityBuilder().withNewPodAntiAffinity().addNewPreferredDuringSchedulingIgnoredDuringExecution()
                    .withWeight(50).withNewPodAffinityTerm().withTopologyKey(HOST_KEY)
                    .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(Labels.group(cluster, group)).build())
                    .endPodAffinityTerm().endPreferredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity().build();
        }
        NodeGroup other = new NodeGroup(group.role(), 3 - group.availabilityGroup());
        return new AffinityBuilder().withNewPodAntiAffinity().addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(100).withNewPodAffinityTerm().withTopologyKey(ZONE_KEY)
                .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(Labels.component(cluster, group.component()))
                        .withMatchExpressions(new LabelSelectorRequirementBuilder().withKey(Labels.AVAILABILITY_GROUP)
                                .withOperator("In").withValues(other.availabilityGroupLabel()).build()).build())
                .endPodAffinityTerm().endPreferredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity().build();
    }

    /**
     * The ConfigMaps of every node started in this group, projected into one directory: a pod cannot name its own
     * ConfigMap in a template shared with the others, so each pod sees every file and reads its own. A node's map is
     * created before the template names it, and optional so that deleting a node never blocks the others' pods.
     */
    static Volume configVolume(String cluster, NodeLaunches launches, boolean capture) {
        List<VolumeProjection> sources = new ArrayList<>();
        for (var node : launches.entries().keySet()) {
            sources.add(new VolumeProjectionBuilder().withNewConfigMap().withName(ObjectNames.configMap(cluster, node))
                    .withOptional(true).endConfigMap().build());
            if (capture) {
                // present only while the capture runs: the sidecar starts it when the file appears, stops it when it goes
                sources.add(new VolumeProjectionBuilder().withNewConfigMap().withName(ObjectNames.captureConfigMap(cluster, node))
                        .withOptional(true).endConfigMap().build());
            }
        }
        return new VolumeBuilder().withName("config").withNewProjected().withSources(sources).endProjected().build();
    }

    private static PersistentVolumeClaim claimTemplate(OwnedCluster cluster, Map<String, String> labels) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(ObjectNames.DATA_VOLUME).withLabels(labels).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce")
                .withStorageClassName(cluster.spec().leaves().storageClass())
                .withNewResources().withRequests(Map.of("storage", new Quantity(cluster.spec().leaves().storageGB() + "Gi")))
                .endResources().endSpec().build();
    }

    private static ContainerPort port(String name, int port) {
        return new ContainerPortBuilder().withName(name).withContainerPort(port).withProtocol("TCP").build();
    }

    static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
    }
}

package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodeId;
import io.fabric8.kubernetes.api.model.Secret;
import dev.canopy.core.NodeLaunch;
import dev.canopy.core.NodeObservation;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Runtime;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Nodes as pods of one StatefulSet per node group, for one DatabaseCluster (made for each reconcile pass, with the
 * resource as it is then). Starting a node sets its configuration in its ConfigMap and its launch in the pod template,
 * raises the replicas to cover it, and deletes its pod if it runs something else ({@code OnDelete}: the StatefulSet
 * recreates it from the new template). Stopping lowers the replicas to the node's ordinal: a StatefulSet stops its pods
 * from the top, which is how core stops nodes (scale-in removes the highest ordinals; suspend and a coordinated restart
 * stop them all). Claims outlive their pods until core deletes the node.
 */
public final class KubernetesRuntime implements Runtime {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesRuntime.class);

    private final KubernetesClient client;
    private final RuntimeSettings settings;
    private final OwnedCluster cluster;
    private final Applier applier;

    public KubernetesRuntime(KubernetesClient client, RuntimeSettings settings, OwnedCluster cluster) {
        this.client = client;
        this.settings = settings;
        this.cluster = cluster;
        this.applier = new Applier(client, settings.serverSideApply());
    }

    /**
     * The objects that do not depend on which nodes run: the Services, the disruption budgets and the admin
     * credentials. Called before every pass; applying what is already there changes nothing.
     */
    public void applyClusterObjects() {
        for (NodeGroup group : NodeGroup.ALL) {
            applier.apply(DiscoveryService.build(cluster, group));
        }
        applier.apply(SqlService.build(cluster));
        applier.apply(NodeDisruptionBudget.build(cluster, true));
        applier.apply(NodeDisruptionBudget.build(cluster, false));
        applier.createIfAbsent(Secret.class, cluster.namespace(), ObjectNames.adminSecret(cluster.name()),
                () -> AdminCredentialsSecret.build(cluster, AdminCredentialsSecret.newPassword()));
        growStorage(NodeGroup.LEAVES_AG1);
        growStorage(NodeGroup.LEAVES_AG2);
    }

    /** See {@link LeafStorage}: every existing claim first, then the StatefulSet's template, without touching a pod. */
    private void growStorage(NodeGroup group) {
        StatefulSet existing = statefulSet(group);
        LeafStorage.growTo(existing, cluster).ifPresent(size -> {
            String prefix = ObjectNames.DATA_VOLUME + "-" + existing.getMetadata().getName() + "-";
            for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inNamespace(cluster.namespace())
                    .withLabels(Labels.group(cluster.name(), group)).list().getItems()) {
                Quantity current = LeafStorage.size(claim);
                if (claim.getMetadata().getName().startsWith(prefix)
                        && (current == null || current.getNumericalAmount().compareTo(size.getNumericalAmount()) < 0)) {
                    client.persistentVolumeClaims().inNamespace(cluster.namespace()).withName(claim.getMetadata().getName())
                            .edit(c -> {
                                c.getSpec().getResources().getRequests().put("storage", size);
                                return c;
                            });
                }
            }
            StatefulSet grown = new StatefulSetBuilder()
                    .withNewMetadata().withName(existing.getMetadata().getName()).withNamespace(cluster.namespace())
                    .withLabels(existing.getMetadata().getLabels()).withOwnerReferences(cluster.ownerReferences()).endMetadata()
                    .withSpec(existing.getSpec()).build();
            grown.getSpec().getVolumeClaimTemplates().forEach(template -> {
                template.getSpec().getResources().getRequests().put("storage", size);
                template.setStatus(null);
            });
            LOG.info("{}/{}: growing the leaves' volumes to {}; the StatefulSet is made again, its pods keep running",
                    cluster.namespace(), existing.getMetadata().getName(), size);
            client.apps().statefulSets().inNamespace(cluster.namespace()).withName(existing.getMetadata().getName())
                    .withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
            client.apps().statefulSets().inNamespace(cluster.namespace()).withName(existing.getMetadata().getName())
                    .waitUntilCondition(java.util.Objects::isNull, 30, TimeUnit.SECONDS);
            applier.apply(grown);
        });
    }

    @Override
    public Map<NodeId, NodePlacement> place(String name, Collection<NodeId> nodes) {
        requireOwn(name);
        Map<NodeId, NodePlacement> placements = new TreeMap<>();
        for (NodeId node : nodes) {
            placements.put(node, placement(cluster.namespace(), cluster.name(), node));
        }
        return placements;
    }

    /** Fixed ports on a stable DNS name: the same for the node's life, whichever pod and IP it has now. */
    public static NodePlacement placement(String namespace, String cluster, NodeId node) {
        String workDirectory = node.isLeaf() ? NodeStatefulSet.DATA_DIR + "/work" : NodeStatefulSet.AGGREGATOR_WORK_DIR;
        return new NodePlacement(node, ObjectNames.host(namespace, cluster, node), Ports.DISCOVERY, Ports.COMMUNICATION,
                Ports.SQL, workDirectory);
    }

    @Override
    public List<NodeObservation> observe(String name) {
        requireOwn(name);
        Map<String, String> labels = Labels.cluster(cluster.name());
        List<StatefulSet> sets = client.apps().statefulSets().inNamespace(cluster.namespace()).withLabels(labels).list().getItems();
        List<Pod> pods = client.pods().inNamespace(cluster.namespace()).withLabels(labels).list().getItems();
        List<PersistentVolumeClaim> claims = client.persistentVolumeClaims().inNamespace(cluster.namespace())
                .withLabels(labels).list().getItems();
        return NodeObserver.observe(cluster.name(), sets, pods, claims);
    }

    @Override
    public void start(String name, NodeId node, NodeLaunch launch) {
        requireOwn(name);
        NodeGroup group = NodeGroup.of(node);
        setConfig(node, configFile(launch));
        StatefulSet existing = statefulSet(group);
        int replicas = Math.max(existing == null ? 0 : existing.getSpec().getReplicas(), node.ordinal() + 1);
        NodeLaunches launches = existing == null ? NodeLaunches.parse(null)
                : NodeObserver.launches(existing.getSpec().getTemplate().getMetadata().getAnnotations());
        launches = launches.with(node, launch.release(), launch.fingerprint());
        StatefulSet desired = NodeStatefulSet.build(new NodeStatefulSet.Input(cluster, group, replicas, launches,
                launch.release(), launch.jvmOptions()), settings);
        if (existing != null) {
            // volume claim templates cannot change once the StatefulSet exists
            desired.getSpec().setVolumeClaimTemplates(existing.getSpec().getVolumeClaimTemplates());
        }
        applier.apply(desired);
        Pod pod = pod(node);
        if (pod != null && pod.getMetadata().getDeletionTimestamp() == null) {
            String running = NodeObserver.launches(pod.getMetadata().getAnnotations()).of(node)
                    .map(NodeLaunches.Entry::fingerprint).orElse(null);
            if (!launch.fingerprint().equals(running)) {
                LOG.info("{}/{}: deleting pod {} to restart it with {}", cluster.namespace(), node,
                        pod.getMetadata().getName(), launch.fingerprint());
                deletePod(node);
            }
        }
    }

    @Override
    public void replace(String name, NodeId node, NodeLaunch launch) {
        requireOwn(name);
        // the template first, so that the pod the StatefulSet recreates runs this launch
        start(name, node, launch);
        if (node.isLeaf()) {
            // if the pod comes back before the claim is gone, it waits for a claim that no longer exists: observe reports
            // its storage lost, and core replaces it again, by which time the claim is gone and is made afresh
            deleteClaim(node);
        }
        deletePod(node);
        LOG.warn("{}/{}: storage deleted; the pod starts afresh", cluster.namespace(), node);
    }

    @Override
    public void stop(String name, NodeId node) {
        requireOwn(name);
        StatefulSet existing = statefulSet(NodeGroup.of(node));
        if (existing == null || existing.getSpec().getReplicas() <= node.ordinal()) {
            return;
        }
        LOG.info("{}/{}: scaling {} to {}", cluster.namespace(), node, existing.getMetadata().getName(), node.ordinal());
        client.apps().statefulSets().inNamespace(cluster.namespace()).withName(existing.getMetadata().getName())
                .edit(s -> {
                    s.getSpec().setReplicas(Math.min(s.getSpec().getReplicas(), node.ordinal()));
                    return s;
                });
    }

    @Override
    public void delete(String name, NodeId node) {
        stop(name, node);
        if (node.isLeaf()) {
            deleteClaim(node);
        }
        setConfig(node, null);
        LOG.info("{}/{}: deleted with its storage", cluster.namespace(), node);
    }

    /** Deletes every claim of the cluster's leaves: on deletion of the DatabaseCluster, unless it retains its volumes. */
    public void deleteAllClaims() {
        // one by one rather than as a collection: the operator's role then needs "delete" only, as for scale-in
        client.persistentVolumeClaims().inNamespace(cluster.namespace()).withLabels(Labels.cluster(cluster.name())).list()
                .getItems().forEach(claim -> client.resource(claim).delete());
    }

    /** The file the launch names as its configuration: its first argument, as for the local launcher. */
    static String configFile(NodeLaunch launch) {
        if (launch.files().size() == 1) {
            return launch.files().values().iterator().next();
        }
        String file = launch.arguments().isEmpty() ? null : launch.files().get(launch.arguments().get(0));
        if (file == null) {
            throw new IllegalArgumentException("the launch names no configuration file: " + launch.arguments());
        }
        return file;
    }

    private void setConfig(NodeId node, String content) {
        var map = client.configMaps().inNamespace(cluster.namespace()).withName(ObjectNames.configMap(cluster.name(), node));
        if (content == null) {
            map.delete();
            return;
        }
        ConfigMap existing = map.get();
        if (existing == null || existing.getData() == null
                || !content.equals(existing.getData().get(ObjectNames.configKey(cluster.name(), node)))) {
            applier.apply(EngineConfigMap.build(cluster, node, content));
        }
    }

    private StatefulSet statefulSet(NodeGroup group) {
        return client.apps().statefulSets().inNamespace(cluster.namespace())
                .withName(ObjectNames.statefulSet(cluster.name(), group)).get();
    }

    private Pod pod(NodeId node) {
        return client.pods().inNamespace(cluster.namespace()).withName(ObjectNames.pod(cluster.name(), node)).get();
    }

    private void deletePod(NodeId node) {
        client.pods().inNamespace(cluster.namespace()).withName(ObjectNames.pod(cluster.name(), node)).delete();
    }

    private void deleteClaim(NodeId node) {
        client.persistentVolumeClaims().inNamespace(cluster.namespace()).withName(ObjectNames.dataClaim(cluster.name(), node)).delete();
    }

    private void requireOwn(String name) {
        if (!cluster.name().equals(name)) {
            throw new IllegalArgumentException("this runtime serves " + cluster.name() + ", not " + name);
        }
    }
}

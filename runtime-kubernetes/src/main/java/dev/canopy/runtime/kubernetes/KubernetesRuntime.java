package dev.canopy.runtime.kubernetes;

import dev.canopy.core.Captures;
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
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
public final class KubernetesRuntime implements Runtime, Captures {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesRuntime.class);

    private final KubernetesClient client;
    private final RuntimeSettings settings;
    private final OwnedCluster cluster;
    private final Applier applier;
    /** The deployments whose leaves capture their changes: their pods carry a {@link CaptureSidecar}. */
    private final Set<String> capturing;

    public KubernetesRuntime(KubernetesClient client, RuntimeSettings settings, OwnedCluster cluster) {
        this(client, settings, cluster, Set.of());
    }

    /** @param capturing the cluster's deployments whose leaves capture their changes (a replication source, blue) */
    public KubernetesRuntime(KubernetesClient client, RuntimeSettings settings, OwnedCluster cluster, Set<String> capturing) {
        this.client = client;
        this.settings = settings;
        this.cluster = cluster;
        this.applier = new Applier(client, settings.serverSideApply());
        this.capturing = Set.copyOf(capturing);
    }

    /**
     * The objects that do not depend on which nodes run: the Services, the disruption budgets, the network policy and
     * the admin credentials, for the cluster's own deployment. Called before every pass; applying what is already there changes
     * nothing.
     */
    public LeafStorage.Report applyClusterObjects() {
        return applyClusterObjects(cluster.name(), List.of(cluster.name()));
    }

    /**
     * The same, for each deployment that exists ({@code live}), with the client Service selecting the aggregators of
     * {@code serving}. Says where the leaves' volumes stand against the spec's size.
     */
    public LeafStorage.Report applyClusterObjects(String serving, Collection<String> live) {
        LeafStorage.Report storage = LeafStorage.Report.none(LeafStorage.wanted(cluster).toString());
        for (String deployment : live) {
            OwnedCluster at = at(deployment);
            for (NodeGroup group : NodeGroup.ALL) {
                applier.apply(DiscoveryService.build(at, group));
            }
            applier.apply(NodeDisruptionBudget.build(at, true));
            applier.apply(NodeDisruptionBudget.build(at, false));
            applier.apply(NodeNetworkPolicy.build(at));
            storage = storage.plus(growStorage(at, NodeGroup.LEAVES_AG1)).plus(growStorage(at, NodeGroup.LEAVES_AG2));
        }
        applier.apply(SqlService.build(at(serving)));
        applier.createIfAbsent(Secret.class, cluster.namespace(), ObjectNames.adminSecret(cluster.name()),
                () -> AdminCredentialsSecret.build(cluster, dev.canopy.core.Passwords.generate()));
        // before any node of a new deployment is started in this pass, so that its first node already runs as decided
        Secret admin = client.secrets().inNamespace(cluster.namespace()).withName(ObjectNames.adminSecret(cluster.name())).get();
        if (admin != null) {
            for (String deployment : live) {
                AdminSecrets.decide(client, cluster.namespace(), deployment, admin);
            }
        }
        return storage;
    }

    /**
     * See {@link LeafStorage}: every Bound claim below the spec's size grows (one the API server refuses is reported, not
     * thrown: the others and the rest of the pass go on), those not bound yet wait for a later pass; the StatefulSet's
     * template grows once, without touching a pod.
     */
    private LeafStorage.Report growStorage(OwnedCluster cluster, NodeGroup group) {
        StatefulSet existing = statefulSet(cluster, group);
        Quantity wanted = LeafStorage.wanted(cluster);
        if (existing == null || existing.getSpec().getVolumeClaimTemplates() == null
                || existing.getSpec().getVolumeClaimTemplates().isEmpty()) {
            return LeafStorage.Report.none(wanted.toString());
        }
        String prefix = ObjectNames.DATA_VOLUME + "-" + existing.getMetadata().getName() + "-";
        List<PersistentVolumeClaim> claims = client.persistentVolumeClaims().inNamespace(cluster.namespace())
                .withLabels(Labels.group(cluster.deployment(), group)).list().getItems().stream()
                .filter(claim -> claim.getMetadata().getName().startsWith(prefix)).toList();
        LeafStorage.Growth growth = LeafStorage.plan(claims, wanted);
        List<String> grown = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String claim : growth.toGrow()) {
            try {
                client.persistentVolumeClaims().inNamespace(cluster.namespace()).withName(claim).edit(c -> {
                    c.getSpec().getResources().getRequests().put("storage", wanted);
                    return c;
                });
                LOG.info("{}/{}: growing claim {} to {}", cluster.namespace(), cluster.deployment(), claim, wanted);
                grown.add(claim);
            } catch (KubernetesClientException e) {
                LOG.warn("{}/{}: claim {} could not grow to {}", cluster.namespace(), cluster.deployment(), claim, wanted, e);
                refused.add(claim + ": " + ApiErrors.oneLine(e));
            }
        }
        if (!growth.waiting().isEmpty()) {
            LOG.info("{}/{}: {} not bound yet: they grow to {} once bound", cluster.namespace(), cluster.deployment(),
                    growth.waiting(), wanted);
        }
        LeafStorage.growTo(existing, cluster).ifPresent(size -> remakeWithLargerClaims(cluster, existing, size));
        return new LeafStorage.Report(wanted.toString(), grown, growth.waiting(), refused);
    }

    /** A claim template cannot change: the StatefulSet is deleted without its pods and made again. */
    private void remakeWithLargerClaims(OwnedCluster cluster, StatefulSet existing, Quantity size) {
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
    }

    @Override
    public Map<NodeId, NodePlacement> place(String name, Collection<NodeId> nodes) {
        OwnedCluster at = at(name);
        Map<NodeId, NodePlacement> placements = new TreeMap<>();
        for (NodeId node : nodes) {
            placements.put(node, placement(at.namespace(), at.deployment(), node));
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
        OwnedCluster cluster = at(name);
        Map<String, String> labels = Labels.cluster(cluster.deployment());
        List<StatefulSet> sets = client.apps().statefulSets().inNamespace(cluster.namespace()).withLabels(labels).list().getItems();
        List<Pod> pods = client.pods().inNamespace(cluster.namespace()).withLabels(labels).list().getItems();
        List<PersistentVolumeClaim> claims = client.persistentVolumeClaims().inNamespace(cluster.namespace())
                .withLabels(labels).list().getItems();
        return NodeObserver.observe(cluster.deployment(), sets, pods, claims);
    }

    @Override
    public void start(String name, NodeId node, NodeLaunch launch) {
        OwnedCluster cluster = at(name);
        NodeGroup group = NodeGroup.of(node);
        setConfig(cluster, node, configFile(launch));
        StatefulSet existing = statefulSet(cluster, group);
        int replicas = Math.max(existing == null ? 0 : existing.getSpec().getReplicas(), node.ordinal() + 1);
        NodeLaunches launches = existing == null ? NodeLaunches.parse(null)
                : NodeObserver.launches(existing.getSpec().getTemplate().getMetadata().getAnnotations());
        launches = launches.with(node, launch.release(), launch.fingerprint());
        StatefulSet desired = NodeStatefulSet.build(new NodeStatefulSet.Input(cluster, group, replicas, launches,
                launch.release(), launch.jvmOptions(), capturing.contains(name)), settings);
        if (existing != null) {
            // volume claim templates cannot change once the StatefulSet exists
            desired.getSpec().setVolumeClaimTemplates(existing.getSpec().getVolumeClaimTemplates());
        }
        applier.apply(desired);
        Pod pod = pod(cluster, node);
        if (pod != null && pod.getMetadata().getDeletionTimestamp() == null) {
            String running = NodeObserver.launches(pod.getMetadata().getAnnotations()).of(node)
                    .map(NodeLaunches.Entry::fingerprint).orElse(null);
            if (!launch.fingerprint().equals(running)) {
                LOG.info("{}/{}: deleting pod {} to restart it with {}", cluster.namespace(), node,
                        pod.getMetadata().getName(), launch.fingerprint());
                deletePod(cluster, node);
            }
        }
    }

    @Override
    public void replace(String name, NodeId node, NodeLaunch launch) {
        OwnedCluster cluster = at(name);
        // the template first, so that the pod the StatefulSet recreates runs this launch
        start(name, node, launch);
        if (node.isLeaf()) {
            // if the pod comes back before the claim is gone, it waits for a claim that no longer exists: observe reports
            // its storage lost, and core replaces it again, by which time the claim is gone and is made afresh
            deleteClaim(cluster, node);
        }
        deletePod(cluster, node);
        LOG.warn("{}/{}: storage deleted; the pod starts afresh", cluster.namespace(), node);
    }

    @Override
    public void stop(String name, NodeId node) {
        OwnedCluster cluster = at(name);
        StatefulSet existing = statefulSet(cluster, NodeGroup.of(node));
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
        OwnedCluster cluster = at(name);
        stop(name, node);
        if (node.isLeaf()) {
            deleteClaim(cluster, node);
            stopCapture(name, node);
        }
        setConfig(cluster, node, null);
        LOG.info("{}/{}: deleted with its storage", cluster.namespace(), node);
    }

    /** Deletes every claim of the cluster's leaves: on deletion of the DatabaseCluster, unless it retains its volumes. */
    public void deleteAllClaims() {
        // one by one rather than as a collection: the operator's role then needs "delete" only, as for scale-in
        for (String deployment : cluster.deployments()) {
            client.persistentVolumeClaims().inNamespace(cluster.namespace()).withLabels(Labels.cluster(deployment)).list()
                    .getItems().forEach(claim -> client.resource(claim).delete());
        }
    }

    /**
     * Deletes a deployment's nodes, storage, captures and the objects serving them (its StatefulSets, headless
     * Services, disruption budgets, ConfigMaps and claims); the cluster's client Service and credentials stay.
     */
    public void retire(String deployment) {
        OwnedCluster at = at(deployment);
        LOG.info("{}/{}: retiring deployment {}: its StatefulSets, Services, ConfigMaps and volumes are deleted",
                cluster.namespace(), cluster.name(), deployment);
        for (NodeGroup group : NodeGroup.ALL) {
            client.apps().statefulSets().inNamespace(cluster.namespace()).withName(ObjectNames.statefulSet(deployment, group))
                    .delete();
            client.services().inNamespace(cluster.namespace()).withName(ObjectNames.discoveryService(deployment, group)).delete();
            client.persistentVolumeClaims().inNamespace(cluster.namespace()).withLabels(Labels.group(deployment, group)).list()
                    .getItems().forEach(claim -> client.resource(claim).delete());
        }
        // the nodes' and captures' maps; the cluster's own (the upgrade's progress) carry another component
        Set<String> nodeComponents = Set.of(NodeGroup.LEAVES_AG1.component(), NodeGroup.AGGREGATORS.component(),
                CaptureConfigMap.COMPONENT);
        client.configMaps().inNamespace(cluster.namespace()).withLabels(Labels.cluster(deployment)).list().getItems().stream()
                .filter(map -> nodeComponents.contains(map.getMetadata().getLabels().get(Labels.COMPONENT)))
                .forEach(map -> client.resource(map).delete());
        client.policy().v1().podDisruptionBudget().inNamespace(cluster.namespace())
                .withName(ObjectNames.disruptionBudget(at.deployment(), NodeGroup.LEAVES_AG1)).delete();
        client.policy().v1().podDisruptionBudget().inNamespace(cluster.namespace())
                .withName(ObjectNames.disruptionBudget(at.deployment(), NodeGroup.AGGREGATORS)).delete();
    }

    /**
     * Writes the capture's configuration into its ConfigMap, which the leaf's {@link CaptureSidecar} runs from (the
     * deployment must be {@code capturing}, or no sidecar waits for it).
     */
    @Override
    public void startCapture(String name, NodeId leaf, NodeLaunch launch) {
        OwnedCluster at = at(name);
        if (launch.fingerprint().equals(captures(name).get(leaf))) {
            return;
        }
        if (!capturing.contains(name)) {
            LOG.warn("{}/{}: a capture beside {} is configured, but the deployment's leaves have no capture sidecar",
                    cluster.namespace(), name, leaf);
        }
        LOG.info("{}/{}: change capture beside {} configured ({})", cluster.namespace(), name, leaf, launch.fingerprint());
        applier.apply(CaptureConfigMap.build(at, leaf, configFile(launch), launch.fingerprint()));
    }

    @Override
    public void stopCapture(String name, NodeId leaf) {
        OwnedCluster at = at(name);
        client.configMaps().inNamespace(cluster.namespace()).withName(ObjectNames.captureConfigMap(at.deployment(), leaf)).delete();
    }

    @Override
    public Map<NodeId, String> captures(String name) {
        OwnedCluster at = at(name);
        Map<NodeId, String> running = new TreeMap<>();
        Map<String, String> labels = Labels.cluster(at.deployment());
        labels.put(Labels.COMPONENT, CaptureConfigMap.COMPONENT);
        for (ConfigMap map : client.configMaps().inNamespace(cluster.namespace()).withLabels(labels).list().getItems()) {
            CaptureConfigMap.leaf(map).ifPresent(leaf -> running.put(leaf, CaptureConfigMap.fingerprint(map)));
        }
        return running;
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

    private void setConfig(OwnedCluster cluster, NodeId node, String content) {
        var map = client.configMaps().inNamespace(cluster.namespace()).withName(ObjectNames.configMap(cluster.deployment(), node));
        if (content == null) {
            map.delete();
            return;
        }
        ConfigMap existing = map.get();
        if (existing == null || existing.getData() == null
                || !content.equals(existing.getData().get(ObjectNames.configKey(cluster.deployment(), node)))) {
            applier.apply(EngineConfigMap.build(cluster, node, content));
        }
    }

    private StatefulSet statefulSet(OwnedCluster cluster, NodeGroup group) {
        return client.apps().statefulSets().inNamespace(cluster.namespace())
                .withName(ObjectNames.statefulSet(cluster.deployment(), group)).get();
    }

    /**
     * Whether the node's pod is there, Ready, and was started with the launch of this fingerprint. Stricter than
     * {@link #observe}, which reports a pod being replaced, or still to be made, as running what its StatefulSet will start:
     * what a capture needs to have read is what the pod running now writes.
     */
    public boolean podRuns(String name, NodeId node, String fingerprint) {
        Pod pod = pod(at(name), node);
        if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        return NodeObserver.ready(pod) && fingerprint.equals(NodeObserver.launches(pod.getMetadata().getAnnotations()).of(node)
                .map(NodeLaunches.Entry::fingerprint).orElse(null));
    }

    private Pod pod(OwnedCluster cluster, NodeId node) {
        return client.pods().inNamespace(cluster.namespace()).withName(ObjectNames.pod(cluster.deployment(), node)).get();
    }

    private void deletePod(OwnedCluster cluster, NodeId node) {
        client.pods().inNamespace(cluster.namespace()).withName(ObjectNames.pod(cluster.deployment(), node)).delete();
    }

    private void deleteClaim(OwnedCluster cluster, NodeId node) {
        client.persistentVolumeClaims().inNamespace(cluster.namespace())
                .withName(ObjectNames.dataClaim(cluster.deployment(), node)).delete();
    }

    /** The cluster in one of its deployments; refuses a name that is none of them. */
    private OwnedCluster at(String deployment) {
        if (!cluster.deployments().contains(deployment)) {
            throw new IllegalArgumentException("this runtime serves " + cluster.deployments() + ", not " + deployment);
        }
        return cluster.in(deployment, cluster.spec());
    }
}

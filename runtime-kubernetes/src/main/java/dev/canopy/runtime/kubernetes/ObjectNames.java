package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodeId;

/** The names of a cluster's Kubernetes objects, all derived from the DatabaseCluster's name. */
public final class ObjectNames {
    /** The name of the leaves' volume claim template; a leaf's claim is {@code data-<pod>}, as StatefulSets name them. */
    public static final String DATA_VOLUME = "data";

    private ObjectNames() {
    }

    public static String statefulSet(String cluster, NodeGroup group) {
        return cluster + "-" + group.suffix();
    }

    /** Each StatefulSet has a headless Service of its own name, which gives its pods stable DNS names. */
    public static String discoveryService(String cluster, NodeGroup group) {
        return statefulSet(cluster, group);
    }

    public static String pod(String cluster, NodeId node) {
        return statefulSet(cluster, NodeGroup.of(node)) + "-" + node.ordinal();
    }

    public static String dataClaim(String cluster, NodeId node) {
        return DATA_VOLUME + "-" + pod(cluster, node);
    }

    /** The client Service: the SQL endpoint, balancing over the ready aggregators. */
    public static String sqlService(String cluster) {
        return cluster + "-sql";
    }

    /** A node's own ConfigMap: one per node, as one for the whole cluster would outgrow a ConfigMap's 1 MiB. */
    public static String configMap(String cluster, NodeId node) {
        return pod(cluster, node) + "-config";
    }

    /** The ConfigMap of the change capture beside a leaf: present while the capture should run. */
    public static String captureConfigMap(String cluster, NodeId leaf) {
        return pod(cluster, leaf) + "-capture";
    }

    /** The key of a capture's configuration, the file the capture sidecar waits for. */
    public static String captureKey(String cluster, NodeId leaf) {
        return pod(cluster, leaf) + "-capture.xml";
    }

    /** The cluster's upgrade ConfigMap: which deployment serves, and the blue/green upgrade's progress. */
    public static String upgradeConfigMap(String cluster) {
        return cluster + "-upgrade";
    }

    /** The cluster's replication ConfigMap, as a source: where it streams its changes (written by its replica's passes). */
    public static String replicationConfigMap(String cluster) {
        return cluster + "-replication";
    }

    /** The cluster's replica ConfigMap: how it is fed as a replica (written by its own passes). */
    public static String replicaConfigMap(String cluster) {
        return cluster + "-replica";
    }

    /** The cluster's Service for replication across regions: its aggregators behind a load balancer. */
    public static String crossRegionService(String cluster) {
        return cluster + "-cross-region";
    }

    /** The NetworkPolicy over a deployment's node pods: who may reach which of their ports. */
    public static String nodesNetworkPolicy(String cluster) {
        return cluster + "-nodes";
    }

    /** The NetworkPolicy that lets other regions reach the aggregators behind the cross-region load balancer. */
    public static String crossRegionNetworkPolicy(String cluster) {
        return cluster + "-cross-region";
    }

    public static String adminSecret(String cluster) {
        return cluster + "-admin";
    }

    /**
     * The Secret in a replication source's namespace holding the login of the replica its changes stream to, written by
     * the replica's operator (its region's, maybe another than the source's), read by the source's change captures.
     */
    public static String replicaLoginSecret(String cluster) {
        return cluster + "-replica-login";
    }

    public static String disruptionBudget(String cluster, NodeGroup group) {
        return cluster + "-" + (group.isLeaves() ? "leaves" : "aggregators");
    }

    /** The pod's stable DNS name through its StatefulSet's headless Service. */
    public static String host(String namespace, String cluster, NodeId node) {
        return pod(cluster, node) + "." + discoveryService(cluster, NodeGroup.of(node)) + "." + namespace + ".svc";
    }

    /** The ConfigMap key of a node's rendered configuration: the pod's name, which the pod knows from the downward API. */
    public static String configKey(String cluster, NodeId node) {
        return pod(cluster, node) + ".xml";
    }
}

package dev.canopy.runtime.kubernetes;

import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterSpec;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

import java.util.List;
import java.util.Map;

/**
 * The DatabaseCluster that owns the objects being built: its name, namespace, uid (for owner references), spec, and
 * whether its volumes outlive it; and which of its two deployments the node objects are built for ({@link #deployments}):
 * the nodes' StatefulSets, Services, ConfigMaps and claims are named after the deployment, the client Service and the
 * credentials after the cluster.
 */
public record OwnedCluster(String namespace, String name, String uid, DatabaseClusterSpec spec, boolean retainVolumes,
                           String deployment) {
    /** {@code "true"} on a DatabaseCluster keeps its leaves' volumes (PVCs) when it is deleted. */
    public static final String RETAIN_VOLUMES_ANNOTATION = "canopy.dev/retain-volumes";
    /** The second deployment's name is the cluster's with this suffix: where a blue/green upgrade builds green. */
    public static final String SECOND_DEPLOYMENT_SUFFIX = "-b";

    /** The cluster in its first deployment, named after it. */
    public OwnedCluster(String namespace, String name, String uid, DatabaseClusterSpec spec, boolean retainVolumes) {
        this(namespace, name, uid, spec, retainVolumes, name);
    }

    /** The cluster's two deployments: its own name, and its name with {@link #SECOND_DEPLOYMENT_SUFFIX}. */
    public List<String> deployments() {
        return deploymentsOf(name);
    }

    /** The two deployments of the cluster named {@code cluster}. */
    public static List<String> deploymentsOf(String cluster) {
        return List.of(cluster, cluster + SECOND_DEPLOYMENT_SUFFIX);
    }

    /** The cluster a deployment belongs to: its name without {@link #SECOND_DEPLOYMENT_SUFFIX}. */
    public static String clusterOf(String deployment) {
        return deployment.endsWith(SECOND_DEPLOYMENT_SUFFIX)
                ? deployment.substring(0, deployment.length() - SECOND_DEPLOYMENT_SUFFIX.length()) : deployment;
    }

    /** The same cluster, building the objects of another of its deployments (with that deployment's spec). */
    public OwnedCluster in(String otherDeployment, DatabaseClusterSpec deploymentSpec) {
        if (!deployments().contains(otherDeployment)) {
            throw new IllegalArgumentException(otherDeployment + " is not a deployment of " + name + " (" + deployments() + ")");
        }
        return new OwnedCluster(namespace, name, uid, deploymentSpec, retainVolumes, otherDeployment);
    }

    public static OwnedCluster of(DatabaseCluster resource) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        boolean retain = annotations != null && "true".equalsIgnoreCase(annotations.get(RETAIN_VOLUMES_ANNOTATION));
        return new OwnedCluster(resource.getMetadata().getNamespace(), resource.getMetadata().getName(),
                resource.getMetadata().getUid(), resource.getSpec(), retain);
    }

    /** Deleting the DatabaseCluster deletes what it owns (Kubernetes' garbage collector does, not the operator). */
    public List<OwnerReference> ownerReferences() {
        return List.of(new OwnerReferenceBuilder().withApiVersion(DatabaseCluster.API_VERSION).withKind(DatabaseCluster.KIND)
                .withName(name).withUid(uid).withController(true).withBlockOwnerDeletion(true).build());
    }
}

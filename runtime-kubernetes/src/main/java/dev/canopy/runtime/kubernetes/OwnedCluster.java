package dev.canopy.runtime.kubernetes;

import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterSpec;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

import java.util.List;
import java.util.Map;

/**
 * The DatabaseCluster that owns the objects being built: its name, namespace, uid (for owner references), spec, and
 * whether its volumes outlive it.
 */
public record OwnedCluster(String namespace, String name, String uid, DatabaseClusterSpec spec, boolean retainVolumes) {
    /** {@code "true"} on a DatabaseCluster keeps its leaves' volumes (PVCs) when it is deleted. */
    public static final String RETAIN_VOLUMES_ANNOTATION = "canopy.dev/retain-volumes";

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

package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.util.Optional;

/**
 * When {@code leaves.storageGB} grows, the leaves' volumes grow with it: Kubernetes expands a claim in place when its
 * storage class allows it. A StatefulSet's claim template cannot change, so the StatefulSet is deleted without its pods
 * and made again with the larger template, for the leaves still to come. Shrinking a volume is impossible: a smaller
 * value (and any change of storage class) applies to no existing leaf. Pure.
 */
public final class LeafStorage {

    private LeafStorage() {
    }

    /** The size to grow this group's volumes to, when the spec asks for more than its claim template has. */
    public static Optional<Quantity> growTo(StatefulSet existing, OwnedCluster cluster) {
        if (existing == null || existing.getSpec().getVolumeClaimTemplates() == null
                || existing.getSpec().getVolumeClaimTemplates().isEmpty()) {
            return Optional.empty();
        }
        Quantity wanted = new Quantity(cluster.spec().leaves().storageGB() + "Gi");
        Quantity current = size(existing.getSpec().getVolumeClaimTemplates().get(0));
        return current != null && wanted.getNumericalAmount().compareTo(current.getNumericalAmount()) > 0
                ? Optional.of(wanted) : Optional.empty();
    }

    static Quantity size(PersistentVolumeClaim claim) {
        return claim.getSpec() == null || claim.getSpec().getResources() == null
                || claim.getSpec().getResources().getRequests() == null ? null
                : claim.getSpec().getResources().getRequests().get("storage");
    }
}

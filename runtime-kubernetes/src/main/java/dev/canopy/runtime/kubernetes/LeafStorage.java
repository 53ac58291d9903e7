package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When {@code leaves.storageGB} grows, the leaves' volumes grow with it: Kubernetes expands a claim in place when its
 * storage class allows it. A StatefulSet's claim template cannot change, so the StatefulSet is deleted without its pods
 * and made again with the larger template, for the leaves still to come. Shrinking a volume is impossible: a smaller
 * value (and any change of storage class) applies to no existing leaf. Only a Bound claim can grow: the API server
 * refuses any change to an unbound claim's request (422), and claims wait unbound for long in normal operation (no volume
 * yet, {@code WaitForFirstConsumer}, a missing class), so those are left until they are bound. Pure.
 */
public final class LeafStorage {

    /**
     * What growing a group's claims to {@code wanted} takes now.
     *
     * @param toGrow  Bound claims whose request is below it
     * @param waiting claims below it that are not bound yet, each as {@code name (phase)}
     */
    public record Growth(Quantity wanted, List<String> toGrow, List<String> waiting) {
        public Growth {
            toGrow = List.copyOf(toGrow);
            waiting = List.copyOf(waiting);
        }
    }

    /**
     * Where every leaf's claim stands against the spec's size: those grown by this pass, those still waiting to be
     * bound, those the API server refused to grow (each in one line). Complete when none waits and none was refused.
     */
    public record Report(String wanted, List<String> grown, List<String> waiting, List<String> refused) {
        public Report {
            grown = List.copyOf(grown);
            waiting = List.copyOf(waiting);
            refused = List.copyOf(refused);
        }

        public static Report none(String wanted) {
            return new Report(wanted, List.of(), List.of(), List.of());
        }

        public Report plus(Report other) {
            return new Report(wanted, concat(grown, other.grown()), concat(waiting, other.waiting()),
                    concat(refused, other.refused()));
        }

        private static List<String> concat(List<String> a, List<String> b) {
            List<String> all = new ArrayList<>(a);
            all.addAll(b);
            return all;
        }

        /** Whether any claim is, or was made by this pass, other than the spec asks. */
        public boolean eventful() {
            return !complete() || !grown.isEmpty();
        }

        public boolean complete() {
            return waiting.isEmpty() && refused.isEmpty();
        }

        /** One line for the status. */
        public String summary() {
            if (complete()) {
                return "every leaf's volume asks for " + wanted;
            }
            List<String> parts = new ArrayList<>();
            if (!refused.isEmpty()) {
                parts.add("growing to " + wanted + " was refused: " + String.join("; ", refused));
            }
            if (!waiting.isEmpty()) {
                parts.add(String.join(", ", waiting) + " not bound yet: grows to " + wanted + " once bound");
            }
            return String.join("; ", parts);
        }
    }

    public static Growth plan(List<PersistentVolumeClaim> claims, Quantity wanted) {
        List<String> toGrow = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (PersistentVolumeClaim claim : claims) {
            if (claim.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            Quantity current = size(claim);
            if (current != null && current.getNumericalAmount().compareTo(wanted.getNumericalAmount()) >= 0) {
                continue;
            }
            String phase = claim.getStatus() == null ? null : claim.getStatus().getPhase();
            if ("Bound".equals(phase)) {
                toGrow.add(claim.getMetadata().getName());
            } else {
                waiting.add(claim.getMetadata().getName() + " (" + (phase == null ? "no phase yet" : phase) + ")");
            }
        }
        return new Growth(wanted, toGrow, waiting);
    }

    /** The size the spec asks of every leaf's volume. */
    public static Quantity wanted(OwnedCluster cluster) {
        return new Quantity(cluster.spec().leaves().storageGB() + "Gi");
    }

    private LeafStorage() {
    }

    /** The size to grow this group's volumes to, when the spec asks for more than its claim template has. */
    public static Optional<Quantity> growTo(StatefulSet existing, OwnedCluster cluster) {
        if (existing == null || existing.getSpec().getVolumeClaimTemplates() == null
                || existing.getSpec().getVolumeClaimTemplates().isEmpty()) {
            return Optional.empty();
        }
        Quantity wanted = wanted(cluster);
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

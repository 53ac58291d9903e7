package dev.canopy.core;

import dev.canopy.api.Condition;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Keeps each leaf within its {@code storageGB} where the runtime measures what its storage takes (locally; on
 * Kubernetes the volume's size is the limit): a leaf at the policy's share of it turns the cluster read-only, reads
 * going on, until the spec gives the leaves more storage (or a restore makes it smaller); below 90% of that share it
 * takes writes again. Only a read-only state this made is lifted here: a fence (a promotion, a blue/green switch) is
 * not. Pure.
 */
final class StorageLimit {
    static final String FULL = "StorageFull";
    static final String FREED = "StorageFreed";
    private static final long GIB = 1L << 30;

    private StorageLimit() {
    }

    /** The step that enforces the limit, or null when nothing is to change. */
    static Step next(Observed observed, PlannerPolicy policy) {
        EngineView engine = observed.engine();
        int storageGB = observed.topology().spec().leaves().storageGB();
        double fullAt = policy.storageFullAt() * storageGB * GIB;
        List<NodeObservation> measured = DesiredNodes.leaves(observed.topology().spec()).stream()
                .flatMap(n -> observed.node(n).stream()).filter(n -> n.storageBytes() >= 0).toList();
        List<NodeObservation> full = measured.stream().filter(n -> n.storageBytes() >= fullAt).toList();
        if (!full.isEmpty() && !engine.readOnly()) {
            return new Step.SetReadOnly(true, FULL, describe(full, storageGB) + ": the cluster takes no writes (reads go"
                    + " on) until spec.leaves.storageGB is raised");
        }
        boolean madeReadOnlyHere = observed.previous() != null && observed.previous().condition(Condition.READ_ONLY)
                .filter(c -> c.isTrue() && FULL.equals(c.reason())).isPresent();
        if (engine.readOnly() && madeReadOnlyHere && !measured.isEmpty()
                && measured.stream().allMatch(n -> n.storageBytes() < 0.9 * fullAt)) {
            return new Step.SetReadOnly(false, FREED, "every leaf's storage is below " + percent(0.9 * policy.storageFullAt())
                    + " of its " + storageGB + " GiB: taking writes again");
        }
        return null;
    }

    static String describe(List<NodeObservation> full, int storageGB) {
        return full.stream().map(n -> n.node().name() + " uses " + gib(n.storageBytes()) + " GiB")
                .collect(Collectors.joining(", ")) + " of " + (full.size() == 1 ? "its " : "their ") + storageGB + " GiB"
                + " (spec.leaves.storageGB)";
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / (double) GIB);
    }

    private static String percent(double share) {
        return Math.round(share * 100) + "%";
    }
}

package dev.canopy.core.autoscaling;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.StorageAutoscaling;

import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;

/**
 * Grows {@code leaves.storageGB} when the fullest leaf passes the threshold: by the step, at least 1 GiB, up to the
 * maximum. One reading is enough (storage only fills, and a full disk stops the cluster's writes), and the newest is the
 * one that counts. It never shrinks: nothing here makes a smaller number. Every leaf has the same {@code storageGB},
 * so the fullest decides for all.
 */
public final class StorageGrowth {
    static final long GIB = 1024L * 1024 * 1024;
    /** Telemetry older than this says nothing of now. */
    static final Duration STALE_AFTER = Duration.ofMinutes(2);

    private StorageGrowth() {
    }

    public static AutoscalingDecision decide(AutoscalingInput input) {
        DatabaseClusterSpec spec = input.spec();
        StorageAutoscaling storage = spec.autoscaling() == null ? null : spec.autoscaling().storage();
        if (storage == null) {
            return AutoscalingDecision.none("storage autoscaling is off");
        }
        Optional<TelemetryReading> latest = input.latest().filter(r -> !r.at().isBefore(input.now().minus(STALE_AFTER)));
        if (latest.isEmpty()) {
            return AutoscalingDecision.none("no storage reading in the last " + Numbers.duration(STALE_AFTER));
        }
        int current = spec.leaves().storageGB();
        Optional<LeafReading> fullest = latest.get().leaves().stream().filter(l -> l.storageUsedBytes() != null)
                .max(Comparator.comparingLong(LeafReading::storageUsedBytes));
        if (fullest.isEmpty()) {
            return AutoscalingDecision.none("no leaf's storage is measured");
        }
        double percent = 100.0 * fullest.get().storageUsedBytes() / (current * (double) GIB);
        int threshold = storage.thresholdPercentOrDefault();
        String why = fullest.get().leaf() + " at " + Numbers.percent(percent) + " > " + threshold + "%";
        if (percent <= threshold) {
            return AutoscalingDecision.none("storage within its threshold: " + fullest.get().leaf() + " at "
                    + Numbers.percent(percent) + " ≤ " + threshold + "%");
        }
        int max = storage.maxStorageGB();
        if (current >= max) {
            return AutoscalingDecision.none("leaf storage at its maximum " + max + " GiB: " + why);
        }
        // integer GiB, rounded up, so that a small volume's step is never 0
        int step = Math.max(1, (int) Math.ceil(current * storage.stepPercentOrDefault() / 100.0));
        int grown = (int) Math.min((long) current + step, max);
        LeavesSpec leaves = spec.leaves();
        DatabaseClusterSpec next = spec.withLeaves(new LeavesSpec(leaves.count(), leaves.height(), grown, leaves.storageClass()));
        return new AutoscalingDecision(AutoscalingDecision.Kind.GROW_STORAGE, next,
                "grew leaf storage " + current + " → " + grown + " GiB: " + why + (grown == max ? " (its maximum)" : ""));
    }
}

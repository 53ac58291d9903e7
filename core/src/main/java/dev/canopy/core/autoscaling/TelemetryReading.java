package dev.canopy.core.autoscaling;

import java.time.Instant;
import java.util.List;

/**
 * One look at a cluster's leaves at one time.
 *
 * @param queriesPerSecond the statements per second the cluster ran, through all its aggregators; null when not known
 *                         (the first reading has no rate)
 */
public record TelemetryReading(Instant at, List<LeafReading> leaves, Double queriesPerSecond) {
    public TelemetryReading {
        leaves = List.copyOf(leaves);
    }

    /** The mean CPU use over the leaves that reported one; null when none did. */
    Double cpuPercent() {
        return leaves.stream().map(LeafReading::cpuPercent).filter(v -> v != null).mapToDouble(Double::doubleValue)
                .average().stream().boxed().findFirst().orElse(null);
    }

    /** The mean heap use over the leaves that reported one; null when none did. */
    Double heapPercent() {
        return leaves.stream().map(LeafReading::heapPercent).filter(v -> v != null).mapToDouble(Double::doubleValue)
                .average().stream().boxed().findFirst().orElse(null);
    }
}

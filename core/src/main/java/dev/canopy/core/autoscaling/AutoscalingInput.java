package dev.canopy.core.autoscaling;

import dev.canopy.api.DatabaseClusterSpec;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * What one autoscaling pass decides from.
 *
 * @param spec             the cluster's spec as it is now (its {@code autoscaling} section says what may change)
 * @param telemetry        the readings of a recent window, in any order (kept oldest first)
 * @param settled          whether the cluster carries out its spec: Ready, the last change observed. A change still
 *                         under way (a scale-out, an upgrade) is not judged by load measured in the middle of it
 * @param rebalancing      whether a rebalance runs: partitions are moving, and a leaf added or removed would move them again
 * @param redundancyMet    whether every partition has all its copies; a leaf removed or added before it is would
 *                         move the only copy
 * @param lastLeavesChange when the leaves' count last changed (by the autoscaler or a user); null when never
 * @param runningSince     when the cluster last started to run (created or resumed); null when not known
 * @param lastStatementAt  when the last user statement ran; null when none since it started
 * @param now              the time of the pass
 */
public record AutoscalingInput(DatabaseClusterSpec spec, List<TelemetryReading> telemetry, boolean settled,
                               boolean rebalancing, boolean redundancyMet, Instant lastLeavesChange, Instant runningSince,
                               Instant lastStatementAt, Instant now) {
    public AutoscalingInput {
        telemetry = telemetry.stream().sorted(Comparator.comparing(TelemetryReading::at)).toList();
    }

    /** The newest reading, if any. */
    java.util.Optional<TelemetryReading> latest() {
        return telemetry.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(telemetry.get(telemetry.size() - 1));
    }
}

package dev.canopy.core.autoscaling;

import dev.canopy.api.ComputeAutoscaling;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.MaintenanceWindow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Adds or removes one leaf per availability group, within {@code minLeaves} and {@code maxLeaves}.
 * <ul>
 * <li>Out when one target (CPU, heap, queries per second per leaf) was exceeded in every reading for
 * {@code scaleOutAfter}: a load that stays, not a spike.</li>
 * <li>In when every target would still be met with a leaf fewer (the same load spread over one leaf fewer per group)
 * in every reading for {@code scaleInAfter}, the longer window: a removal moves data, and removing a leaf the load needs
 * would only bring it back. Only inside the maintenance window when one is given.</li>
 * </ul>
 * Never within {@code coolDown} of the last change of the leaves, and only from readings taken after it (the ones
 * before measured another cluster); never while a change is under way, a rebalance runs or redundancy is not met: a
 * leaf added or removed then would start a move on top of a move, or move data that has no other copy. The readings
 * taken meanwhile still count once it is over: the load they show is the cluster's all the same.
 */
public final class ComputeScaling {
    private ComputeScaling() {
    }

    /** One target: its name, its value in a reading for a count of leaves per group, its target, how it is written. */
    private record Metric(String name, BiFunction<TelemetryReading, Integer, Double> value, double target, boolean rate) {
        String format(double v) {
            return rate ? Numbers.rate(v) : Numbers.percent(v);
        }

        String targetText() {
            return rate ? Numbers.rate(target) : Numbers.percent(target);
        }
    }

    public static AutoscalingDecision decide(AutoscalingInput input) {
        DatabaseClusterSpec spec = input.spec();
        ComputeAutoscaling compute = spec.autoscaling() == null ? null : spec.autoscaling().compute();
        if (compute == null) {
            return AutoscalingDecision.none("compute autoscaling is off");
        }
        if (!input.settled()) {
            return AutoscalingDecision.none("holding: a change of the cluster is under way");
        }
        if (input.rebalancing()) {
            return AutoscalingDecision.none("holding: a rebalance runs");
        }
        if (!input.redundancyMet()) {
            return AutoscalingDecision.none("holding: redundancy is not met");
        }
        Instant now = input.now();
        if (input.lastLeavesChange() != null && now.isBefore(input.lastLeavesChange().plus(compute.coolDownDuration()))) {
            return AutoscalingDecision.none("cooling down: the leaves changed "
                    + Numbers.duration(Duration.between(input.lastLeavesChange(), now)) + " ago, cool-down "
                    + Numbers.duration(compute.coolDownDuration()));
        }
        List<TelemetryReading> window = input.telemetry().stream()
                .filter(r -> input.lastLeavesChange() == null || r.at().isAfter(input.lastLeavesChange()))
                .filter(r -> !r.at().isAfter(now))
                .toList();
        if (window.isEmpty() || window.get(window.size() - 1).at().isBefore(now.minus(StorageGrowth.STALE_AFTER))) {
            return AutoscalingDecision.none("no load reading in the last " + Numbers.duration(StorageGrowth.STALE_AFTER));
        }
        int leaves = spec.leaves().count();
        List<Metric> metrics = metrics(compute);

        for (Metric metric : metrics) {
            List<TelemetryReading> above = run(window, r -> exceeds(metric, r, leaves));
            Duration lasted = lasted(above);
            if (!above.isEmpty() && lasted.compareTo(compute.scaleOutAfterDuration()) >= 0) {
                String why = metric.name() + " " + metric.format(mean(metric, above, leaves)) + " > " + metric.targetText()
                        + " for " + Numbers.duration(lasted);
                if (leaves >= compute.maxLeaves()) {
                    return AutoscalingDecision.none("at maxLeaves " + compute.maxLeaves() + " per group: " + why);
                }
                return new AutoscalingDecision(AutoscalingDecision.Kind.SCALE_OUT, withCount(spec, leaves + 1),
                        "scaled out leaves " + leaves + " → " + (leaves + 1) + " per group: " + why);
            }
        }

        if (leaves <= compute.minLeaves()) {
            return AutoscalingDecision.none("no target exceeded for " + Numbers.duration(compute.scaleOutAfterDuration())
                    + "; at minLeaves " + compute.minLeaves() + " per group");
        }
        int fewer = leaves - 1;
        List<TelemetryReading> below = run(window, r -> metrics.stream().allMatch(m -> metWith(m, r, leaves, fewer)));
        Duration lasted = lasted(below);
        if (below.isEmpty() || lasted.compareTo(compute.scaleInAfterDuration()) < 0) {
            return AutoscalingDecision.none("no target exceeded for " + Numbers.duration(compute.scaleOutAfterDuration())
                    + " nor met with a leaf fewer per group for " + Numbers.duration(compute.scaleInAfterDuration()));
        }
        String why = metrics.stream().map(m -> {
            double mean = mean(m, below, leaves);
            return m.name() + " " + m.format(mean) + " (" + m.format(spread(m, mean, leaves, fewer)) + " on " + fewer + ") < "
                    + m.targetText();
        }).collect(Collectors.joining(", ")) + " for " + Numbers.duration(lasted);
        MaintenanceWindow maintenance = compute.maintenanceWindow();
        if (maintenance != null && !maintenance.contains(now)) {
            return AutoscalingDecision.none("would scale in leaves " + leaves + " → " + fewer + " per group, outside the"
                    + " maintenance window (" + maintenance.start() + " UTC for " + maintenance.duration() + "): " + why);
        }
        return new AutoscalingDecision(AutoscalingDecision.Kind.SCALE_IN, withCount(spec, fewer),
                "scaled in leaves " + leaves + " → " + fewer + " per group: " + why);
    }

    private static List<Metric> metrics(ComputeAutoscaling compute) {
        List<Metric> metrics = new ArrayList<>();
        metrics.add(new Metric("CPU", (r, n) -> r.cpuPercent(), compute.cpuPercentOrDefault(), false));
        metrics.add(new Metric("heap", (r, n) -> r.heapPercent(), compute.heapPercentOrDefault(), false));
        if (compute.queriesPerSecondPerLeaf() != null) {
            metrics.add(new Metric("queries per leaf", (r, n) -> r.queriesPerSecond() == null ? null : r.queriesPerSecond() / n,
                    compute.queriesPerSecondPerLeaf(), true));
        }
        return metrics;
    }

    private static boolean exceeds(Metric metric, TelemetryReading reading, int leaves) {
        Double value = metric.value().apply(reading, leaves);
        return value != null && value > metric.target();
    }

    /** Whether the reading's load, spread over {@code fewer} leaves per group, would stay below the target. */
    private static boolean metWith(Metric metric, TelemetryReading reading, int leaves, int fewer) {
        Double value = metric.value().apply(reading, leaves);
        return value != null && spread(metric, value, leaves, fewer) < metric.target();
    }

    /** A leaf's share of the same load on {@code fewer} leaves per group. */
    private static double spread(Metric metric, double value, int leaves, int fewer) {
        return value * leaves / fewer;
    }

    /** The newest readings, back to the first that does not hold: the stretch the condition has held for. */
    private static List<TelemetryReading> run(List<TelemetryReading> window, java.util.function.Predicate<TelemetryReading> holds) {
        int from = window.size();
        while (from > 0 && holds.test(window.get(from - 1))) {
            from--;
        }
        return window.subList(from, window.size());
    }

    /** From the first reading of the stretch to its last: what was seen, not assumed. */
    private static Duration lasted(List<TelemetryReading> run) {
        return run.isEmpty() ? Duration.ZERO : Duration.between(run.get(0).at(), run.get(run.size() - 1).at());
    }

    private static double mean(Metric metric, List<TelemetryReading> run, int leaves) {
        return run.stream().mapToDouble(r -> metric.value().apply(r, leaves)).average().orElse(0);
    }

    private static DatabaseClusterSpec withCount(DatabaseClusterSpec spec, int count) {
        LeavesSpec leaves = spec.leaves();
        return spec.withLeaves(new LeavesSpec(count, leaves.height(), leaves.storageGB(), leaves.storageClass()));
    }
}

package dev.canopy.core.autoscaling;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.AutoscalingSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cluster's life as the autoscaler sees it, a minute at a time: each step adds a reading of its leaves (and may
 * change what the status says), then runs one pass and applies its decision the way the platform would (the new spec;
 * a change of the leaves starts the cool-down). What a test asserts is the sequence of decisions, each with its minute.
 */
final class Golden {
    /** Midnight UTC, so that a minute is also a time of day (minute 120 is 02:00). */
    static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
    static final long GIB = 1024L * 1024 * 1024;

    /** What every leaf reports in one minute: CPU and heap, the fullest leaf's storage, the cluster's statements/s. */
    record Load(double cpu, double heap, double fullestStorageGiB, double queriesPerSecond) {
        static Load cpu(double cpu) {
            return new Load(cpu, 40, 1, 10);
        }

        Load heap(double value) {
            return new Load(cpu, value, fullestStorageGiB, queriesPerSecond);
        }

        Load storage(double gib) {
            return new Load(cpu, heap, gib, queriesPerSecond);
        }

        Load queries(double perSecond) {
            return new Load(cpu, heap, fullestStorageGiB, perSecond);
        }
    }

    private DatabaseClusterSpec spec;
    private final List<TelemetryReading> readings = new ArrayList<>();
    private final List<String> decisions = new ArrayList<>();
    private AutoscalingDecision last;
    private boolean settled = true;
    private boolean rebalancing;
    private boolean redundancyMet = true;
    private Instant lastLeavesChange;
    private Instant lastStatementAt;

    Golden(int leaves, AutoscalingSpec autoscaling) {
        spec = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 1.0), new LeavesSpec(leaves, 1.0, 10, null),
                Map.of(), null).withAutoscaling(autoscaling);
    }

    static Instant minute(int minute) {
        return T0.plus(Duration.ofMinutes(minute));
    }

    /** A reading of this load each minute from {@code from} to {@code to}, both included, and a pass after each. */
    Golden minutes(int from, int to, Load load) {
        for (int m = from; m <= to; m++) {
            step(m, load);
        }
        return this;
    }

    /** A pass at this minute without a new reading (telemetry stopped coming). */
    Golden passOnly(int minute) {
        pass(minute);
        return this;
    }

    Golden rebalancing(boolean value) {
        rebalancing = value;
        return this;
    }

    Golden redundancyMet(boolean value) {
        redundancyMet = value;
        return this;
    }

    Golden settled(boolean value) {
        settled = value;
        return this;
    }

    private void step(int minute, Load load) {
        Instant at = minute(minute);
        List<LeafReading> leaves = new ArrayList<>();
        for (int ag = 1; ag <= 2; ag++) {
            for (int i = 0; i < spec.leaves().count(); i++) {
                boolean fullest = ag == 1 && i == 0;
                long storage = (long) ((fullest ? load.fullestStorageGiB() : load.fullestStorageGiB() / 2) * GIB);
                leaves.add(new LeafReading("leaf-ag" + ag + "-" + i, storage, load.cpu(), load.heap()));
            }
        }
        readings.add(new TelemetryReading(at, leaves, load.queriesPerSecond()));
        if (load.queriesPerSecond() > 0) {
            // a statement ran since the reading before: what the platform reads from the engine's executed count
            lastStatementAt = at;
        }
        pass(minute);
    }

    private void pass(int minute) {
        Instant now = minute(minute);
        // three hours of readings, more than the longest window of these tests
        List<TelemetryReading> window = readings.stream().filter(r -> r.at().isAfter(now.minus(Duration.ofMinutes(180)))).toList();
        last = Autoscaler.decide(new AutoscalingInput(spec, window, settled, rebalancing, redundancyMet, lastLeavesChange, T0,
                lastStatementAt, now));
        if (last.changes()) {
            decisions.add(minute + ": " + last.reason());
            spec = last.spec();
            if (last.kind() == AutoscalingDecision.Kind.SCALE_OUT || last.kind() == AutoscalingDecision.Kind.SCALE_IN) {
                lastLeavesChange = now;
            }
        }
    }

    List<String> decisions() {
        return decisions;
    }

    /** The last pass's decision, or why it made none. */
    AutoscalingDecision last() {
        return last;
    }

    DatabaseClusterSpec spec() {
        return spec;
    }
}

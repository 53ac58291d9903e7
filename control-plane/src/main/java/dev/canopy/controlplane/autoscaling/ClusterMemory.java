package dev.canopy.controlplane.autoscaling;

import dev.canopy.api.ComputeAutoscaling;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.controlplane.store.ClusterRecord;
import dev.canopy.controlplane.telemetry.ClusterSample;
import dev.canopy.controlplane.telemetry.NodeSample;
import dev.canopy.core.autoscaling.AutoscalingInput;
import dev.canopy.core.autoscaling.LeafReading;
import dev.canopy.core.autoscaling.TelemetryReading;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the autoscaler remembers of one cluster between samples, beyond what the store and the status say: a few numbers
 * per leaf for the longest window its spec asks (whole samples, with their tables and top queries, are kept 15 minutes
 * only), when its leaves last changed, since when it runs, and when a user's statement last ran. Started over whenever
 * this replica takes the duties again: another replica may have changed the cluster meanwhile, so the leaves count as
 * changed and the cluster as started when the lease was taken (one cool-down waited rather than a time guessed).
 * Not thread-safe: the sampler never samples one cluster twice at once, and the duty holds the lock anyway.
 */
final class ClusterMemory {
    /** The most history kept for a cluster, whatever its windows: a few thousand readings at the default sampling. */
    static final Duration MOST_KEPT = Duration.ofHours(6);
    /** Kept beyond the longest window, so that a run as long as the window starts inside what is kept. */
    private static final Duration MARGIN = Duration.ofMinutes(1);
    /** The phases a cluster does not run in: the first sample after one of them is when it started to run. */
    private static final Set<String> NOT_RUNNING = Set.of(Phase.Suspended.name(), Phase.Provisioning.name(), "Pending");

    final Instant heldSince;
    /** The newest sample taken in: a cluster no longer sampled (deleted) is forgotten some time after it. */
    private Instant lastSampleAt;
    private final Deque<TelemetryReading> readings = new ArrayDeque<>();
    private Instant lastLeavesChange;
    private Instant runningSince;
    private Instant lastStatementAt;
    private Integer leavesCount;
    private boolean running = true;
    /**
     * How long a change refused or failed for anything but a change made meanwhile is not asked again of the same
     * version: each attempt is an operation in the audit log, and a refusal does not go away by itself within seconds.
     */
    static final Duration RETRY_REFUSED_AFTER = Duration.ofMinutes(5);
    private Refused refused;

    private record Refused(long resourceVersion, DatabaseClusterSpec spec, Instant at) {
    }

    ClusterMemory(Instant heldSince) {
        this.heldSince = heldSince;
        this.lastLeavesChange = heldSince;
        this.runningSince = heldSince;
    }

    /** Takes in one sample of the cluster, and the record as it is at that time. */
    void observe(ClusterSample sample, ClusterRecord record, Map<String, Long> storageUsed) {
        Instant at = sample.at();
        lastSampleAt = at;
        int count = record.spec().leaves().count();
        if (leavesCount != null && leavesCount != count) {
            // a user's change of the leaves, or one made by another replica: its cool-down counts from when it was seen
            lastLeavesChange = at;
        }
        leavesCount = count;
        boolean runsNow = !NOT_RUNNING.contains(sample.phase()) && !record.spec().isSuspended();
        if (runsNow && !running) {
            runningSince = at;
        }
        running = runsNow;
        if (!sample.reachable()) {
            // a gap, not a zero: a sample whose engine did not answer says nothing of its load
            return;
        }
        if (sample.queriesPerSecond() != null && sample.queriesPerSecond() > 0) {
            lastStatementAt = at;
        }
        readings.addLast(reading(sample, storageUsed));
        Instant keepFrom = at.minus(kept(record.spec()));
        while (readings.size() > 1 && readings.peekFirst().at().isBefore(keepFrom)) {
            readings.removeFirst();
        }
    }

    /** How far back the spec's windows look, at most {@link #MOST_KEPT}; without compute autoscaling only the newest counts. */
    static Duration kept(DatabaseClusterSpec spec) {
        ComputeAutoscaling compute = spec.autoscaling() == null ? null : spec.autoscaling().compute();
        if (compute == null) {
            return Duration.ZERO;
        }
        Duration longest = compute.scaleInAfterDuration().compareTo(compute.scaleOutAfterDuration()) > 0
                ? compute.scaleInAfterDuration() : compute.scaleOutAfterDuration();
        Duration wanted = longest.plus(MARGIN);
        return wanted.compareTo(MOST_KEPT) > 0 ? MOST_KEPT : wanted;
    }

    /** Whether no sample came since {@code before}: the cluster is gone, or no longer sampled here. */
    boolean unsampledSince(Instant before) {
        // one just made has not taken its first sample in yet: it is about to
        return lastSampleAt != null && lastSampleAt.isBefore(before);
    }

    /** What a pass at the sample's time decides from. */
    AutoscalingInput input(ClusterRecord record, DatabaseClusterStatus status, ClusterSample sample) {
        boolean settled = status != null && status.phase() == Phase.Ready
                && Objects.equals(status.observedGeneration(), record.generation());
        boolean rebalancing = status != null && status.rebalance() != null || !sample.balanced();
        boolean redundancyMet = status != null && status.isTrue(Condition.REDUNDANCY_MET);
        return new AutoscalingInput(record.spec(), List.copyOf(readings), settled, rebalancing, redundancyMet,
                lastLeavesChange, runningSince, lastStatementAt, sample.at());
    }

    /** The change was made: its leaves' cool-down starts now. */
    void changed(Instant at, DatabaseClusterSpec spec) {
        if (spec.leaves().count() != leavesCount) {
            lastLeavesChange = at;
            leavesCount = spec.leaves().count();
        }
        refused = null;
    }

    void refused(long resourceVersion, DatabaseClusterSpec spec, Instant at) {
        refused = new Refused(resourceVersion, spec, at);
    }

    /** Whether this change of this version was refused within {@link #RETRY_REFUSED_AFTER}. */
    boolean refusedLately(long resourceVersion, DatabaseClusterSpec spec, Instant now) {
        return refused != null && refused.resourceVersion() == resourceVersion && refused.spec().equals(spec)
                && now.isBefore(refused.at().plus(RETRY_REFUSED_AFTER));
    }

    /**
     * One sample as the autoscaler reads it: the leaves (server nodes, by their consistent id, the leaf's name), CPU and
     * heap in percent, the storage each uses where it is known.
     */
    static TelemetryReading reading(ClusterSample sample, Map<String, Long> storageUsed) {
        List<LeafReading> leaves = sample.nodes().stream().filter(n -> !n.client())
                .map(n -> new LeafReading(n.consistentId(), storageUsed.get(n.consistentId()), cpuPercent(n), heapPercent(n)))
                .toList();
        return new TelemetryReading(sample.at(), leaves, sample.queriesPerSecond());
    }

    /** The engine reports -1 where the operating system gives no load. */
    private static Double cpuPercent(NodeSample node) {
        return node.cpuLoad() < 0 ? null : node.cpuLoad() * 100;
    }

    private static Double heapPercent(NodeSample node) {
        return node.heapMaxBytes() <= 0 ? null : 100.0 * node.heapUsedBytes() / node.heapMaxBytes();
    }
}

package dev.canopy.controlplane.telemetry;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.NodeCounts;

import java.time.Duration;
import java.time.Instant;

/** Makes a {@link ClusterSample} out of the region's status, the engine's answer (or why there is none) and the sample before. */
public final class Samples {
    private Samples() {
    }

    /**
     * @param reading  the engine's answer, or null when it could not be asked
     * @param error    why there is no reading (null when there is one)
     * @param previous the cluster's sample before this one, or null
     */
    public static ClusterSample of(Instant at, DatabaseClusterStatus status, EngineReading reading, String error,
                                   ClusterSample previous) {
        int up = ready(status == null ? null : status.aggregators()) + ready(status == null ? null : status.leaves());
        int total = total(status == null ? null : status.aggregators()) + total(status == null ? null : status.leaves());
        boolean balanced = status != null && status.isTrue(Condition.BALANCED);
        String phase = status == null || status.phase() == null ? "Pending" : status.phase().name();
        Double lag = status == null || status.replication() == null || status.replication().promotedAt() != null
                ? null : status.replication().lagSeconds();
        if (reading == null) {
            return new ClusterSample(at, phase, up, total, balanced, false, error, null, null, null, null, null, null, null, null, lag,
                    null, null, StatusFacts.of(status));
        }
        double cpu = reading.nodes().stream().filter(n -> !n.client()).mapToDouble(NodeSample::cpuLoad).average()
                .orElse(reading.nodes().stream().mapToDouble(NodeSample::cpuLoad).average().orElse(0));
        long heapUsed = reading.nodes().stream().mapToLong(NodeSample::heapUsedBytes).sum();
        long heapMax = reading.nodes().stream().mapToLong(NodeSample::heapMaxBytes).sum();
        return new ClusterSample(at, phase, up, total, balanced, true, null, reading.queriesExecuted(),
                queriesPerSecond(at, reading.queriesExecuted(), previous), cpu, heapUsed, heapMax,
                reading.nodes(), reading.tables(), reading.topQueries(), lag, reading.refusedLogins(),
                refusedSince(reading.refusedLogins(), previous), StatusFacts.of(status));
    }

    /** Null without an earlier count, and when the count went down (a node restarted: its count began again). */
    static Long refusedSince(long refused, ClusterSample previous) {
        if (previous == null || previous.refusedLogins() == null || refused < previous.refusedLogins()) {
            return null;
        }
        return refused - previous.refusedLogins();
    }

    /** Null without an earlier count, and when the count went down (the aggregator restarted: its history is new). */
    static Double queriesPerSecond(Instant at, long executed, ClusterSample previous) {
        if (previous == null || previous.queriesExecuted() == null || executed < previous.queriesExecuted()) {
            return null;
        }
        long millis = Duration.between(previous.at(), at).toMillis();
        return millis <= 0 ? null : (executed - previous.queriesExecuted()) * 1000.0 / millis;
    }

    private static int ready(NodeCounts counts) {
        return counts == null ? 0 : counts.ready();
    }

    private static int total(NodeCounts counts) {
        return counts == null ? 0 : counts.total();
    }
}

package dev.canopy.controlplane.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * One look at a cluster: what its region's status says (nodes up, partitions balanced) and what its engine answered.
 * An engine that could not be asked leaves {@code reachable} false and says why in {@code error}; the status part is
 * there still. {@code queriesPerSecond} needs the sample before it, so the first one has none.
 * {@code replicationLagSeconds}: a replica's lag behind its source, from its status (null for any other cluster).
 * {@code refusedLogins}: the logins the engine refused since its nodes started; {@code refusedLoginsSinceLast}: those
 * since the sample before (null without one, or when a node restarted and its count began again).
 * {@code facts}: what the status says of redundancy, the rebalance under way and the last backup (null in samples
 * written before it was kept).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterSample(Instant at, String phase, int nodesUp, int nodesTotal, boolean balanced,
                            boolean reachable, String error, Long queriesExecuted, Double queriesPerSecond,
                            Double cpuLoad, Long heapUsedBytes, Long heapMaxBytes,
                            List<NodeSample> nodes, List<TableSample> tables, List<QuerySample> topQueries,
                            Double replicationLagSeconds, Long refusedLogins, Long refusedLoginsSinceLast,
                            StatusFacts facts) {
    public ClusterSample(Instant at, String phase, int nodesUp, int nodesTotal, boolean balanced, boolean reachable, String error,
                         Long queriesExecuted, Double queriesPerSecond, Double cpuLoad, Long heapUsedBytes, Long heapMaxBytes,
                         List<NodeSample> nodes, List<TableSample> tables, List<QuerySample> topQueries, Double replicationLagSeconds,
                         Long refusedLogins, Long refusedLoginsSinceLast) {
        this(at, phase, nodesUp, nodesTotal, balanced, reachable, error, queriesExecuted, queriesPerSecond, cpuLoad, heapUsedBytes,
                heapMaxBytes, nodes, tables, topQueries, replicationLagSeconds, refusedLogins, refusedLoginsSinceLast, null);
    }

    public ClusterSample(Instant at, String phase, int nodesUp, int nodesTotal, boolean balanced, boolean reachable, String error,
                         Long queriesExecuted, Double queriesPerSecond, Double cpuLoad, Long heapUsedBytes, Long heapMaxBytes,
                         List<NodeSample> nodes, List<TableSample> tables, List<QuerySample> topQueries, Double replicationLagSeconds) {
        this(at, phase, nodesUp, nodesTotal, balanced, reachable, error, queriesExecuted, queriesPerSecond, cpuLoad, heapUsedBytes,
                heapMaxBytes, nodes, tables, topQueries, replicationLagSeconds, null, null);
    }

    public ClusterSample {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        tables = tables == null ? List.of() : List.copyOf(tables);
        topQueries = topQueries == null ? List.of() : List.copyOf(topQueries);
    }
}

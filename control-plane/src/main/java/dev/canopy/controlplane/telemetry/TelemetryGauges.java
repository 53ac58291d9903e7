package dev.canopy.controlplane.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Each cluster's latest sample as Prometheus series tagged by organization and cluster. The rows are written afresh
 * before each scrape, so a deleted cluster's series go with its history.
 */
public final class TelemetryGauges {
    private record Series(MultiGauge gauge, Function<ClusterSample, Number> value) {
    }

    private final TelemetryHistory history;
    private final List<Series> series;
    private final MultiGauge tableRows;

    public TelemetryGauges(TelemetryHistory history, MeterRegistry registry) {
        this.history = history;
        this.series = List.of(
                series(registry, "canopy.cluster.nodes.up", "Nodes ready, as the region's status says", ClusterSample::nodesUp),
                series(registry, "canopy.cluster.nodes", "Nodes the spec asks for", ClusterSample::nodesTotal),
                series(registry, "canopy.cluster.balanced", "1 when the partitions are balanced", s -> s.balanced() ? 1 : 0),
                series(registry, "canopy.cluster.reachable", "1 when the engine answered the last sample", s -> s.reachable() ? 1 : 0),
                series(registry, "canopy.cluster.queries.per.second", "SQL queries per second through the aggregators", ClusterSample::queriesPerSecond),
                series(registry, "canopy.cluster.cpu.load", "Mean CPU load of the leaves, 0 to 1", ClusterSample::cpuLoad),
                series(registry, "canopy.cluster.heap.used.bytes", "Heap used, summed over the nodes", ClusterSample::heapUsedBytes),
                series(registry, "canopy.cluster.tables", "SQL tables", s -> s.reachable() ? s.tables().size() : null),
                series(registry, "canopy.cluster.replication.lag.seconds", "A replica's lag behind its source, from heartbeats",
                        ClusterSample::replicationLagSeconds),
                series(registry, "canopy.cluster.heap.max.bytes", "Heap the nodes may use, summed over the nodes", ClusterSample::heapMaxBytes),
                series(registry, "canopy.cluster.storage.used.bytes",
                        "Bytes the tables' partition files take on the leaves' disks, every copy counted", TelemetryGauges::storageUsed),
                series(registry, "canopy.cluster.query.slowest.seconds",
                        "The slowest run of the most frequent statements in the aggregators' query history (Ignite keeps no histogram)",
                        TelemetryGauges::slowestSeconds),
                series(registry, "canopy.cluster.redundancy.met", "1 when every partition has the copies the spec asks for",
                        s -> fact(s, f -> f.redundancyMet() == null ? null : f.redundancyMet() ? 1 : 0)),
                series(registry, "canopy.cluster.rebalance.copies.not.owning", "Partition copies the rebalance under way has yet to move",
                        s -> fact(s, StatusFacts::copiesNotOwning)),
                series(registry, "canopy.cluster.rebalance.unchanged.since.timestamp.seconds",
                        "While a rebalance runs: since when its count of copies left has not changed (Unix time)",
                        s -> fact(s, f -> epochSeconds(f.rebalanceUnchangedSince()))),
                series(registry, "canopy.cluster.backup.succeeded", "1 when the cluster's last finished backup succeeded, 0 when it failed",
                        s -> fact(s, f -> f.backupSucceeded() == null ? null : f.backupSucceeded() ? 1 : 0)),
                series(registry, "canopy.cluster.backup.finished.timestamp.seconds",
                        "When the cluster's last backup finished, whatever its outcome (Unix time)",
                        s -> fact(s, f -> epochSeconds(f.backupFinishedAt()))));
        this.tableRows = MultiGauge.builder("canopy.cluster.table.rows").description("Rows of each SQL table").register(registry);
    }

    private static Series series(MeterRegistry registry, String name, String description, Function<ClusterSample, Number> value) {
        return new Series(MultiGauge.builder(name).description(description).register(registry), value);
    }

    private static Number fact(ClusterSample sample, Function<StatusFacts, Number> value) {
        return sample.facts() == null ? null : value.apply(sample.facts());
    }

    private static Number epochSeconds(java.time.Instant at) {
        return at == null ? null : at.toEpochMilli() / 1000.0;
    }

    /** Null when no table's size is known (an engine that did not answer, or one without the metric). */
    private static Number storageUsed(ClusterSample sample) {
        var known = sample.tables().stream().map(TableSample::bytes).filter(java.util.Objects::nonNull).toList();
        return known.isEmpty() ? null : known.stream().mapToLong(Long::longValue).sum();
    }

    private static Number slowestSeconds(ClusterSample sample) {
        return sample.topQueries().stream().mapToLong(QuerySample::maxMillis).max().stream()
                .mapToObj(millis -> (Number) (millis / 1000.0)).findFirst().orElse(null);
    }

    public void refresh() {
        var keys = history.keys();
        for (Series s : series) {
            s.gauge().register(keys.stream()
                    .flatMap(key -> history.latest(key).flatMap(sample -> Optional.ofNullable(s.value().apply(sample)))
                            .map(v -> MultiGauge.Row.of(Tags.of("organization", key.organization(), "cluster", key.cluster()), v))
                            .stream())
                    .toList(), true);
        }
        tableRows.register(keys.stream()
                .flatMap(key -> history.latest(key).stream().flatMap(sample -> sample.tables().stream())
                        .filter(t -> t.rows() != null)
                        .map(t -> MultiGauge.Row.of(Tags.of("organization", key.organization(), "cluster", key.cluster(),
                                "table", t.schema() + "." + t.name()), t.rows())))
                .toList(), true);
    }
}

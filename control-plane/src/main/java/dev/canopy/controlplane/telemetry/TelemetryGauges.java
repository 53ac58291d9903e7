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
                        ClusterSample::replicationLagSeconds));
        this.tableRows = MultiGauge.builder("canopy.cluster.table.rows").description("Rows of each SQL table").register(registry);
    }

    private static Series series(MeterRegistry registry, String name, String description, Function<ClusterSample, Number> value) {
        return new Series(MultiGauge.builder(name).description(description).register(registry), value);
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

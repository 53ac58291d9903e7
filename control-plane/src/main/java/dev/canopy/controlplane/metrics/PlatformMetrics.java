package dev.canopy.controlplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** The platform's series for Prometheus: API requests, and clusters per phase (counted afresh at each scrape). */
public final class PlatformMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge clustersByPhase = MultiGauge.builder("canopy.clusters")
            .description("Clusters of every organization, by phase").register(registry);
    private final Supplier<Map<String, Long>> phaseCounts;
    private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();

    public PlatformMetrics(Supplier<Map<String, Long>> phaseCounts) {
        this.phaseCounts = phaseCounts;
    }

    public void request(String method, String route, int status) {
        Counter.builder("canopy.api.requests").description("API requests, by route and status")
                .tags("method", method, "route", route, "status", Integer.toString(status))
                .register(registry).increment();
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Runs {@code refresh} before every scrape, for gauges written from elsewhere (the clusters' telemetry). */
    public void beforeScrape(Runnable refresh) {
        beforeScrape.add(refresh);
    }

    /** The Prometheus text exposition, with the cluster gauges brought up to date first. */
    public String scrape() {
        clustersByPhase.register(phaseCounts.get().entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("phase", e.getKey()), e.getValue()))
                .toList(), true);
        beforeScrape.forEach(Runnable::run);
        return registry.scrape();
    }
}

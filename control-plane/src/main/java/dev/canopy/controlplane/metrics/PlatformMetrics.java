package dev.canopy.controlplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The platform's series for Prometheus: API requests and their latency, clusters per phase (counted afresh at each
 * scrape), whether this replica holds the background duties, and the JVM's memory and CPU. The dashboards and alert
 * rules under deploy/monitoring name these series; MonitoringTest keeps them to what is exported.
 */
public final class PlatformMetrics {
    /**
     * Fixed buckets rather than Micrometer's percentile histogram (about 70 buckets): enough for a latency heat map and
     * a 99th percentile, at a few series per route.
     */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge clustersByPhase = MultiGauge.builder("canopy.clusters")
            .description("Clusters of every organization, by phase").register(registry);
    private final Supplier<Map<String, Long>> phaseCounts;
    private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();

    public PlatformMetrics(Supplier<Map<String, Long>> phaseCounts) {
        this.phaseCounts = phaseCounts;
        // the control plane's own health beside its clusters': a heap that fills up is seen before it fails
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /**
     * One API request answered: counted by route and status, and timed by route (the status left out of the timer, as
     * each tag multiplies its buckets).
     */
    public void request(String method, String route, int status, Duration took) {
        Counter.builder("canopy.api.requests").description("API requests, by route and status")
                .tags("method", method, "route", route, "status", Integer.toString(status))
                .register(registry).increment();
        Timer.builder("canopy.api.request.duration").description("Time to answer an API request, by route")
                .tags("method", method, "route", route)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry).record(took);
    }

    /** 1 while this replica holds the background duties (see DutyLease): exactly one replica should, at any time. */
    public void duties(BooleanSupplier held) {
        Gauge.builder("canopy.duties.held", () -> held.getAsBoolean() ? 1 : 0)
                .description("1 while this replica holds the background duties (watches, telemetry, schedules)")
                .register(registry);
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

package dev.canopy.operator;

import dev.canopy.api.Phase;
import dev.canopy.core.Step;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's own series beside JOSDK's: the step each pass took ({@code canopy_reconcile_steps_total}) and each
 * cluster's phase ({@code canopy_cluster_phase}). In a class of their own so that OperatorMetricsTest can record them as
 * a pass does and check that the dashboards and alerts name them as Prometheus sees them.
 */
final class ReconcileMetrics {
    static final String PHASE = "canopy.cluster.phase";
    static final String STEPS = "canopy.reconcile.steps";

    private record Cluster(String namespace, String name) {
    }

    private final MeterRegistry registry;
    private final Map<Cluster, Phase> phases = new ConcurrentHashMap<>();

    ReconcileMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void step(Step step) {
        registry.counter(STEPS, "step", step.getClass().getSimpleName(), "reason", step.reason()).increment();
    }

    /** One gauge per phase and cluster, 1 for the phase it is in: alerts can ask for clusters Degraded for 10 minutes. */
    void phase(String namespace, String cluster, Phase phase) {
        Cluster id = new Cluster(namespace, cluster);
        if (phase == null || phases.put(id, phase) != null) {
            return;
        }
        for (Phase each : Phase.values()) {
            Gauge.builder(PHASE, phases, known -> known.get(id) == each ? 1 : 0)
                    .tags("namespace", namespace, "cluster", cluster, "phase", each.name())
                    .register(registry);
        }
    }

    /** A deleted cluster's series go with it. */
    void forget(String namespace, String cluster) {
        phases.remove(new Cluster(namespace, cluster));
        registry.find(PHASE).tags("namespace", namespace, "cluster", cluster).gauges().forEach(registry::remove);
    }
}

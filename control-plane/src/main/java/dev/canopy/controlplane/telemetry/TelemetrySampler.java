package dev.canopy.controlplane.telemetry;

import dev.canopy.api.Phase;
import dev.canopy.core.Causes;
import dev.canopy.api.DatabaseClusterStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Samples every cluster the control plane manages at a fixed interval, on the replica holding the background duties
 * only: the others probe nothing (each engine is asked once per interval, not once per replica), and read the samples
 * from the shared store (see {@link TelemetryFollower}). Each cluster is probed on a virtual thread of its own, and a
 * cluster whose probe has not ended yet is skipped, so a cluster that does not answer neither delays the others nor
 * piles up probes; the API only ever reads the history.
 */
public final class TelemetrySampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetrySampler.class);

    /**
     * A cluster to sample: its region's status and where its engine answers SQL (null before it has an endpoint), or
     * why its region could not tell ({@code regionProblem}, null when it could).
     */
    /** @param login the platform's login to the cluster's engine (JDBC properties; empty without authentication) */
    public record Target(TelemetryHistory.Key key, DatabaseClusterStatus status, String jdbcUrl, String regionProblem,
                         java.util.Properties login) {
        public Target(TelemetryHistory.Key key, DatabaseClusterStatus status, String jdbcUrl, String regionProblem) {
            this(key, status, jdbcUrl, regionProblem, new java.util.Properties());
        }

        @Override
        public String toString() {
            return "Target[" + key + ", " + jdbcUrl + "]";
        }
    }

    private final Supplier<List<Target>> targets;
    private final EngineProbe probe;
    private final TelemetryHistory history;
    private final BiConsumer<TelemetryHistory.Key, ClusterSample> sink;
    private final Clock clock;
    private final BooleanSupplier held;
    private final Set<TelemetryHistory.Key> inFlight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("telemetry-sampler").daemon().factory());
    private final ExecutorService probes = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("telemetry-probe-", 0).factory());

    /**
     * @param history where the sample before each one is read from, for the rates: the history every replica shares,
     *                so that the duties changing hands does not start the rates over
     * @param sink    where each sample goes, from the probes' threads
     * @param held    whether this replica holds the background duties (see DutyLease)
     */
    public TelemetrySampler(Supplier<List<Target>> targets, EngineProbe probe, TelemetryHistory history,
                            BiConsumer<TelemetryHistory.Key, ClusterSample> sink, Clock clock, BooleanSupplier held) {
        this.targets = targets;
        this.probe = probe;
        this.history = history;
        this.sink = sink;
        this.clock = clock;
        this.held = held;
    }

    public TelemetrySampler start(Duration every) {
        ticker.scheduleWithFixedDelay(this::tick, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick() {
        if (!held.getAsBoolean()) {
            return;
        }
        try {
            List<Target> now = targets.get();
            for (Target target : now) {
                if (inFlight.add(target.key())) {
                    probes.execute(() -> {
                        try {
                            sample(target);
                        } finally {
                            inFlight.remove(target.key());
                        }
                    });
                }
            }
        } catch (RuntimeException e) {
            // the next tick tries again; a scheduled task that throws would never run again
            LOG.warn("telemetry: cannot list the clusters to sample: {}", e.toString());
        }
    }

    /** Samples one cluster now, on the calling thread. */
    void sample(Target target) {
        ClusterSample previous = history.latest(target.key()).orElse(null);
        EngineReading reading = null;
        String error = null;
        if (target.regionProblem() != null) {
            error = "region unavailable: " + target.regionProblem();
        } else if (target.jdbcUrl() == null) {
            error = "no SQL endpoint yet";
        } else if (target.status() == null || target.status().phase() == null || target.status().phase() == Phase.Provisioning) {
            // an aggregator asked to check a login while it is still joining deadlocks in Ignite 2.17: a new cluster's
            // engine is asked only once the region has seen SQL answer through its aggregators, never while they start
            error = "not serving yet: sampled once the cluster has been Ready";
        } else {
            try {
                reading = probe.read(target.jdbcUrl(), target.login());
            } catch (Exception e) {
                error = "engine unreachable: " + Causes.rootMessage(e);
                LOG.debug("telemetry: {} unreachable", target.key(), e);
            }
        }
        if (probes.isShutdown()) {
            // a probe cut short by the platform's stop says nothing of the cluster: written, it would show as unreachable
            return;
        }
        sink.accept(target.key(), Samples.of(clock.instant(), target.status(), reading, error, previous));
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        probes.shutdownNow();
    }
}

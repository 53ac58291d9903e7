package dev.canopy.controlplane.autoscaling;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.controlplane.clusters.AutoscalerChange;
import dev.canopy.controlplane.clusters.ClusterService;
import dev.canopy.controlplane.problem.ProblemException;
import dev.canopy.controlplane.telemetry.ClusterSample;
import dev.canopy.controlplane.telemetry.TelemetryHistory;
import dev.canopy.core.autoscaling.Autoscaler;
import dev.canopy.core.autoscaling.AutoscalingDecision;
import dev.canopy.core.autoscaling.AutoscalingInput;
import dev.canopy.core.autoscaling.ComputeScaling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Runs the autoscaler's decisions ({@link Autoscaler}) on every new sample of a cluster whose spec asks for
 * autoscaling, and makes the change decided through {@link ClusterService#autoscale}, as a user's change is made. Fed
 * by the duty holder's sampler after the telemetry writer: one replica decides for each cluster, once per sample.
 * A cluster that feeds replicas is never suspended for idleness: its capture would stop with it.
 */
public final class AutoscalingDuty implements BiConsumer<TelemetryHistory.Key, ClusterSample> {
    private static final Logger LOG = LoggerFactory.getLogger(AutoscalingDuty.class);
    /** Far longer than any sampling interval: a cluster not sampled for this long is no longer sampled at all. */
    static final Duration FORGET_AFTER = Duration.ofMinutes(10);

    private final ClusterService clusters;
    private final Supplier<Instant> heldSince;
    private final Map<TelemetryHistory.Key, ClusterMemory> memories = new ConcurrentHashMap<>();
    /** The last reason each cluster waits for, to log it once rather than with every sample. */
    private final Map<TelemetryHistory.Key, String> waiting = new ConcurrentHashMap<>();
    /** When the memories of clusters no longer sampled were last dropped. */
    private final AtomicReference<Instant> forgotAt = new AtomicReference<>(Instant.MIN);

    /** @param heldSince when this replica took the duties (see DutyLease#heldSince); what it remembers starts there */
    public AutoscalingDuty(ClusterService clusters, Supplier<Instant> heldSince) {
        this.clusters = clusters;
        this.heldSince = heldSince;
    }

    @Override
    public void accept(TelemetryHistory.Key key, ClusterSample sample) {
        try {
            pass(key, sample);
        } catch (RuntimeException e) {
            // the next sample decides again; the sampler's other sinks have had theirs
            LOG.warn("{}/{}: autoscaling pass failed: {}", key.organization(), key.cluster(), e.toString());
        }
    }

    private void pass(TelemetryHistory.Key key, ClusterSample sample) {
        forgetUnsampled(sample.at());
        Optional<ClusterService.Autoscalable> found = clusters.autoscalable(key.organization(), key.cluster());
        if (found.isEmpty() || found.get().record().spec().autoscaling() == null) {
            memories.remove(key);
            waiting.remove(key);
            return;
        }
        Instant since = heldSince.get();
        if (since == null) {
            // the lease was lost since the sample was taken: another replica decides now
            return;
        }
        ClusterService.Autoscalable cluster = found.get();
        ClusterMemory memory = memories.compute(key, (k, old) -> old == null || !old.heldSince.equals(since)
                ? new ClusterMemory(since) : old);
        synchronized (memory) {
            memory.observe(sample, cluster.record(), storageUsed(cluster.status()));
            if (!sample.reachable()) {
                return;
            }
            AutoscalingInput input = memory.input(cluster.record(), cluster.status(), sample);
            AutoscalingDecision decision = decide(input, cluster.feedsReplicas());
            if (!decision.changes()) {
                if (!decision.reason().equals(waiting.put(key, decision.reason()))) {
                    LOG.debug("{}/{}: autoscaler: {}", key.organization(), key.cluster(), decision.reason());
                }
                return;
            }
            waiting.remove(key);
            DatabaseClusterSpec next = decision.newSpec().orElseThrow();
            long version = cluster.record().resourceVersion();
            if (memory.refusedLately(version, next, sample.at())) {
                return;
            }
            apply(key, memory, new AutoscalerChange(key.organization(), key.cluster(), version, cluster.record().spec(),
                    decision), sample.at());
        }
    }

    /**
     * Drops, at most once per {@link #FORGET_AFTER}, what is remembered of clusters not sampled for that long: a deleted
     * cluster is never sampled again, and its readings would stay for as long as this replica holds the lease.
     */
    private void forgetUnsampled(Instant now) {
        Instant last = forgotAt.get();
        if (now.isBefore(last.plus(FORGET_AFTER)) || !forgotAt.compareAndSet(last, now)) {
            return;
        }
        memories.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().unsampledSince(now.minus(FORGET_AFTER));
            }
        });
        waiting.keySet().retainAll(memories.keySet());
    }

    /** The clusters something is remembered of. */
    java.util.Set<TelemetryHistory.Key> remembered() {
        return java.util.Set.copyOf(memories.keySet());
    }

    /** What each leaf's storage takes as the region last reported it; nothing where it measures none (Kubernetes). */
    private static Map<String, Long> storageUsed(DatabaseClusterStatus status) {
        return status == null || status.leaves() == null ? Map.of() : status.leaves().storageUsedBytes();
    }

    /**
     * The autoscaler's decision, except that a cluster feeding replicas is not suspended: the leaves are decided for it
     * instead, as if idle suspension were off.
     */
    static AutoscalingDecision decide(AutoscalingInput input, boolean feedsReplicas) {
        AutoscalingDecision decision = Autoscaler.decide(input);
        if (decision.kind() != AutoscalingDecision.Kind.SUSPEND || !feedsReplicas) {
            return decision;
        }
        AutoscalingDecision compute = ComputeScaling.decide(input);
        return compute.changes() ? compute : AutoscalingDecision.none("not suspended though idle: it feeds replicas, whose"
                + " capture would stop (" + decision.reason() + "); " + compute.reason());
    }

    private void apply(TelemetryHistory.Key key, ClusterMemory memory, AutoscalerChange change, Instant at) {
        try {
            clusters.autoscale(change);
            memory.changed(at, change.decision().spec());
            LOG.info("{}/{}: autoscaler: {}", key.organization(), key.cluster(), change.decision().reason());
        } catch (ProblemException e) {
            if (e.status() == 412) {
                // a user's change made meanwhile wins; the next sample decides from it
                LOG.info("{}/{}: autoscaler's change not made, the cluster changed meanwhile: {}", key.organization(),
                        key.cluster(), change.decision().reason());
                return;
            }
            // refused (the spec's checks, the region): not asked again with every sample, each would be an operation
            // in the audit log
            memory.refused(change.resourceVersion(), change.decision().spec(), at);
            LOG.warn("{}/{}: autoscaler's change refused ({}): {}", key.organization(), key.cluster(),
                    change.decision().reason(), e.getMessage());
        } catch (RuntimeException e) {
            memory.refused(change.resourceVersion(), change.decision().spec(), at);
            LOG.warn("{}/{}: autoscaler's change failed ({}), tried again in {} min: {}", key.organization(), key.cluster(),
                    change.decision().reason(), ClusterMemory.RETRY_REFUSED_AFTER.toMinutes(), e.toString());
        }
    }
}

package dev.canopy.controlplane.telemetry;

import dev.canopy.core.Loops;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * The duty holder's side of the shared telemetry: writes the sampler's samples to the {@link TelemetryLog} and deletes
 * those older than the time kept. Every write is made on one thread, the samples that ended meanwhile in one
 * transaction: the ids then grow in the order the samples become visible, and a replica reading after the last id it
 * read misses none (samples written in parallel could commit a smaller id after a larger one was read).
 */
public final class TelemetryWriter implements BiConsumer<TelemetryHistory.Key, ClusterSample>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryWriter.class);
    /** The fewest old samples a deletion pass may delete, whatever was written since the one before. */
    static final int DELETED_AT_LEAST = 1_000;

    private final TelemetryLog log;
    private final Clock clock;
    private final Duration kept;
    private final BooleanSupplier held;
    private final Queue<TelemetryLog.Entry> pending = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService writes = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("telemetry-writer").daemon().factory());
    /** Written since the last deletion pass; on the writer's thread only. */
    private int written;

    /** @param held whether this replica holds the duties: one that lost them writes nothing beside the new holder */
    public TelemetryWriter(TelemetryLog log, Clock clock, Duration kept, BooleanSupplier held) {
        this.log = log;
        this.clock = clock;
        this.kept = kept;
        this.held = held;
    }

    /** Deletes the samples past the time kept every {@code every}. */
    public TelemetryWriter start(Duration every) {
        writes.scheduleWithFixedDelay(this::deleteOld, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Takes a sample to write soon; called from any thread. */
    @Override
    public void accept(TelemetryHistory.Key key, ClusterSample sample) {
        pending.add(new TelemetryLog.Entry(0, key, sample));
        try {
            writes.execute(this::write);
        } catch (RejectedExecutionException e) {
            LOG.debug("telemetry: a sample of {} taken as the platform stops is not written", key);
        }
    }

    private void write() {
        List<TelemetryLog.Entry> batch = new ArrayList<>();
        for (TelemetryLog.Entry entry = pending.poll(); entry != null; entry = pending.poll()) {
            batch.add(entry);
        }
        if (batch.isEmpty() || !held.getAsBoolean()) {
            return;
        }
        try {
            written += log.append(batch);
        } catch (RuntimeException e) {
            // the next samples are written as they come; these few are lost to the history
            LOG.warn("telemetry: cannot write {} sample(s): {}", batch.size(), e.toString());
        }
    }

    /**
     * Twice as many as were written since the last pass, and at least {@link #DELETED_AT_LEAST}: bounded work each pass,
     * yet enough to catch up with what the sampler writes, however many clusters there are.
     */
    void deleteOld() {
        if (!held.getAsBoolean()) {
            return;
        }
        int limit = Math.max(DELETED_AT_LEAST, 2 * written);
        written = 0;
        try {
            log.deleteBefore(clock.instant().minus(kept), limit);
        } catch (RuntimeException e) {
            LOG.warn("telemetry: cannot delete the samples older than {}: {}", kept, e.toString());
        }
    }

    /** Writes the samples taken so far, then stops. */
    @Override
    public void close() {
        Loops.finishThenStop(writes, Duration.ofSeconds(10));
    }
}

package dev.canopy.controlplane.telemetry;

import dev.canopy.core.Loops;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every replica's read side of the shared telemetry: brings the {@link TelemetryHistory} up to date with the
 * {@link TelemetryLog} every few moments (the samples written after the last one read, a page at a time, and the history
 * of clusters without a record dropped), so that whichever replica answers, the API and the gauges read the same
 * samples from memory. A few queries per pass, however many clusters there are; none per request.
 */
public final class TelemetryFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryFollower.class);
    static final int PAGE = 1_000;

    private final TelemetryLog log;
    private final TelemetryHistory history;
    private final ScheduledExecutorService reads = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("telemetry-follower").daemon().factory());
    /** The id of the last sample read; on the follower's thread only. */
    private long lastId;

    public TelemetryFollower(TelemetryLog log, TelemetryHistory history) {
        this.log = log;
        this.history = history;
    }

    public TelemetryFollower start(Duration every) {
        reads.scheduleWithFixedDelay(this::readSafely, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void readSafely() {
        try {
            read();
        } catch (RuntimeException e) {
            // the next pass reads on from the last sample read
            LOG.warn("telemetry: cannot read the samples after {}: {}", lastId, e.toString());
        }
    }

    void read() {
        TelemetryLog.Page page;
        do {
            page = log.after(lastId, PAGE);
            for (TelemetryLog.Entry entry : page.entries()) {
                history.add(entry.key(), entry.sample());
            }
            lastId = page.lastId();
        } while (page.full());
        // after the samples: one of a cluster deleted meanwhile leaves nothing behind
        history.retain(log.clusters());
    }

    @Override
    public void close() {
        // a pass under way ends first: interrupted, it would fail in the store's pool and say so as a warning
        Loops.finishThenStop(reads, Duration.ofSeconds(10));
    }
}

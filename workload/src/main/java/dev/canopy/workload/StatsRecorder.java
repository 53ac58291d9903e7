package dev.canopy.workload;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts statements, their latencies and error windows, phase by phase. Pure bookkeeping on timestamps it is given,
 * so that its arithmetic can be tested without a cluster; callers pass {@link System#nanoTime()} values.
 */
final class StatsRecorder {

    enum Kind { WRITE, READ }

    enum Outcome { OK, FAILED, LOST }

    private static final int SIGNIFICANT_DIGITS = 3;

    // actor -> start of its open error window; an actor's window is its own, so one slow thread cannot close another's
    private final Map<String, Long> openWindows = new HashMap<>();
    private final Histogram writeMicros = new Histogram(SIGNIFICANT_DIGITS);
    private final Histogram readMicros = new Histogram(SIGNIFICANT_DIGITS);
    private long phaseStart;
    private long writesOk, writesFailed, readsOk, readsFailed, readsLost;
    private long longestWindowNanos;
    private long totalWritesOk, totalWritesFailed, totalReadsOk, totalReadsFailed, totalReadsLost;

    StatsRecorder(long startNanos) {
        phaseStart = startNanos;
    }

    /** One statement by one actor. A LOST read is a successful statement: the cluster answered, wrongly. */
    synchronized void record(String actor, Kind kind, long startNanos, long endNanos, Outcome outcome) {
        if (kind == Kind.WRITE && outcome == Outcome.LOST) {
            throw new IllegalArgumentException("a write cannot be lost, only failed");
        }
        if (outcome == Outcome.FAILED) {
            openWindows.putIfAbsent(actor, startNanos);
            if (kind == Kind.WRITE) {
                writesFailed++;
                totalWritesFailed++;
            } else {
                readsFailed++;
                totalReadsFailed++;
            }
            return;
        }
        Long windowStart = openWindows.remove(actor);
        if (windowStart != null) {
            longestWindowNanos = Math.max(longestWindowNanos, endNanos - windowStart);
        }
        long micros = Math.max(0, (endNanos - startNanos) / 1000);
        if (kind == Kind.WRITE) {
            writesOk++;
            totalWritesOk++;
            writeMicros.recordValue(micros);
        } else {
            readMicros.recordValue(micros);
            if (outcome == Outcome.LOST) {
                readsLost++;
                totalReadsLost++;
            } else {
                readsOk++;
                totalReadsOk++;
            }
        }
    }

    /**
     * An actor could not open a connection. Not a failed statement (no statement ran, no id was spent), but the
     * actor is unavailable, so it opens an error window if none is open.
     */
    synchronized void connectFailed(String actor, long atNanos) {
        openWindows.putIfAbsent(actor, atNanos);
    }

    /** Ends the current phase at {@code nowNanos} and starts the next one. */
    synchronized PhaseStats cut(String label, long nowNanos) {
        long longest = longestWindowNanos;
        for (long start : openWindows.values()) {
            longest = Math.max(longest, nowNanos - start);
        }
        PhaseStats stats = new PhaseStats(label, Duration.ofNanos(nowNanos - phaseStart), writesOk, writesFailed,
                readsOk, readsFailed, readsLost, Duration.ofNanos(longest),
                micros(writeMicros.getValueAtPercentile(99.0)), micros(writeMicros.getMaxValue()),
                micros(readMicros.getValueAtPercentile(99.0)), micros(readMicros.getMaxValue()));
        phaseStart = nowNanos;
        writesOk = writesFailed = readsOk = readsFailed = readsLost = 0;
        longestWindowNanos = 0;
        writeMicros.reset();
        readMicros.reset();
        return stats;
    }

    synchronized Progress progress() {
        return new Progress(totalWritesOk, totalWritesFailed, totalReadsOk, totalReadsFailed, totalReadsLost);
    }

    private static Duration micros(long value) {
        return Duration.ofNanos(value * 1000);
    }
}

package dev.canopy.workload;

import java.time.Duration;

/**
 * What happened between two cuts of a {@link Workload}.
 *
 * <p>Latencies are of successful statements only: time spent in a statement that then failed shows up in the
 * error window instead. The error window is per thread, from the start of its first failed statement (or failed
 * reconnect) to the end of its next successful statement; this is the longest across threads, and a window still
 * open at the cut counts up to the cut (and goes on counting from its start in the next phase).
 *
 * @param readsLost reads that found no row, or a wrong payload, for an acknowledged id: data loss
 */
public record PhaseStats(String label, Duration duration, long writesOk, long writesFailed, long readsOk,
                         long readsFailed, long readsLost, Duration longestErrorWindow, Duration writeP99,
                         Duration writeMax, Duration readP99, Duration readMax) {

    /** One line for test output. */
    public String summary() {
        return "%s (%s): %d writes ok, %d failed; %d reads ok, %d failed, %d lost reads; longest error window %d ms;"
                .formatted(label, seconds(duration), writesOk, writesFailed, readsOk, readsFailed, readsLost,
                        longestErrorWindow.toMillis())
                + " write p99 %d ms max %d ms; read p99 %d ms max %d ms"
                .formatted(writeP99.toMillis(), writeMax.toMillis(), readP99.toMillis(), readMax.toMillis());
    }

    @Override
    public String toString() {
        return summary();
    }

    private static String seconds(Duration d) {
        return "%.1f s".formatted(d.toMillis() / 1000.0);
    }
}

package dev.canopy.workload;

/**
 * A deadline schedule of evenly spaced slots. When the caller falls behind (a statement hung), the missed slots are
 * dropped rather than fired in a burst: a load generator that catches up after an outage would hit the recovering
 * cluster with a spike the real clients would not send, and skew the latencies.
 */
final class Pacer {
    private final long intervalNanos;
    private long next;

    Pacer(int perSecond, long startNanos) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("rate must be at least 1 per second: " + perSecond);
        }
        intervalNanos = 1_000_000_000L / perSecond;
        next = startNanos;
    }

    /** Takes the next slot and tells the time to wait until it: 0 when it is already due. */
    long takeSlot(long nowNanos) {
        if (next - nowNanos < -intervalNanos) {
            next = nowNanos;
        }
        long slot = next;
        next += intervalNanos;
        return Math.max(0, slot - nowNanos);
    }
}

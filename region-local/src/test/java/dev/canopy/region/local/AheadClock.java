package dev.canopy.region.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/**
 * A time a test moves ahead, for what the region decides by time (a backup schedule): either the system's time, which
 * keeps flowing so that nodes and the region's pass run as usual on real processes, or a fixed instant.
 */
final class AheadClock extends Clock {
    private final Supplier<Instant> base;
    private volatile Duration ahead = Duration.ZERO;

    private AheadClock(Supplier<Instant> base) {
        this.base = base;
    }

    static AheadClock flowing() {
        return new AheadClock(Instant::now);
    }

    static AheadClock fixedAt(Instant start) {
        return new AheadClock(() -> start);
    }

    void moveAhead(Duration by) {
        ahead = ahead.plus(by);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return base.get().plus(ahead);
    }
}

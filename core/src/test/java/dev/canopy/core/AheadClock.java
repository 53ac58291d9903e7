package dev.canopy.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/**
 * A time a test moves ahead, for what is decided by time (a backup schedule, a step's deadline): either the system's
 * time, which keeps flowing so that nodes and passes run as usual, or a fixed instant. Shared with other modules' tests
 * through core's test jar.
 */
public final class AheadClock extends Clock {
    private final Supplier<Instant> base;
    private volatile Duration ahead = Duration.ZERO;

    private AheadClock(Supplier<Instant> base) {
        this.base = base;
    }

    public static AheadClock flowing() {
        return new AheadClock(Instant::now);
    }

    public static AheadClock fixedAt(Instant start) {
        return new AheadClock(() -> start);
    }

    public void moveAhead(Duration by) {
        ahead = ahead.plus(by);
    }

    public void advanceSeconds(long seconds) {
        moveAhead(Duration.ofSeconds(seconds));
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

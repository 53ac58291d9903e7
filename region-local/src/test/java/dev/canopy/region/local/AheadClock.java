package dev.canopy.region.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system's time moved ahead by a test, for what the region decides by time (a backup schedule) on real processes:
 * time keeps flowing, so the nodes and the region's pass run as usual.
 */
final class AheadClock extends Clock {
    private volatile Duration ahead = Duration.ZERO;

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
        return Instant.now().plus(ahead);
    }
}

package dev.canopy.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A backup schedule is an interval ({@code 30m}, {@code 6h}, {@code 1d}) counted from the start of the last backup,
 * scheduled or not: an interval rather than cron, because a cluster needs "at most this much data at risk", not a
 * wall-clock time, and an interval has no time zone to get wrong.
 */
public final class Schedule {
    private Schedule() {
    }

    /** The interval of a schedule the spec validator accepted. */
    public static Duration interval(String schedule) {
        long amount = Long.parseLong(schedule.substring(0, schedule.length() - 1));
        return switch (schedule.charAt(schedule.length() - 1)) {
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("not a schedule: " + schedule);
        };
    }

    /** Whether a backup is due now: never without a schedule; at once when there was none before. */
    public static boolean due(String schedule, Optional<Instant> lastStarted, Instant now) {
        if (schedule == null) {
            return false;
        }
        return lastStarted.map(last -> !now.isBefore(last.plus(interval(schedule)))).orElse(true);
    }
}

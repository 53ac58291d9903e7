package dev.canopy.api;

import java.time.Duration;

/** The spec's durations: a number and a unit, s (seconds), m (minutes), h (hours) or d (days), like 90s, 5m, 6h or 1d. */
public final class Durations {
    private Durations() {
    }

    /** The duration of a text {@link Limits#DURATION_PATTERN} matches. */
    public static Duration parse(String text) {
        if (text == null || !text.matches(Limits.DURATION_PATTERN)) {
            throw new IllegalArgumentException("not a duration (a number and a unit, s, m, h or d): " + text);
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** A duration for a message, in the largest unit that divides it: 5 min, 90 s, 2 h. */
    public static String describe(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds != 0 && seconds % 86_400 == 0) {
            return seconds / 86_400 + " d";
        }
        if (seconds != 0 && seconds % 3_600 == 0) {
            return seconds / 3_600 + " h";
        }
        if (seconds != 0 && seconds % 60 == 0) {
            return seconds / 60 + " min";
        }
        return seconds + " s";
    }
}

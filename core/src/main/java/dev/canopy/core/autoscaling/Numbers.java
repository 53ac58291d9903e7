package dev.canopy.core.autoscaling;

import java.time.Duration;
import java.util.Locale;

/** The numbers of a decision's reason, as a person reads them. */
final class Numbers {
    private Numbers() {
    }

    /** 87%, or 80.3% where a whole number would hide which side of a target it is. */
    static String percent(double value) {
        return Math.abs(value - Math.round(value)) < 0.05 ? Math.round(value) + "%" : String.format(Locale.ROOT, "%.1f%%", value);
    }

    /** 250/s, or 12.5/s. */
    static String rate(double value) {
        return Math.abs(value - Math.round(value)) < 0.05 ? Math.round(value) + "/s" : String.format(Locale.ROOT, "%.1f/s", value);
    }

    /** 45 s below two minutes, whole minutes to two hours, whole hours past. */
    static String duration(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7_200) {
            return seconds / 60 + " min";
        }
        return seconds / 3_600 + " h";
    }
}

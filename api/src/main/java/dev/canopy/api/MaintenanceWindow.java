package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * A daily stretch of time, in UTC, when disruptive changes may be made: it starts at {@code start} and lasts
 * {@code duration} (at most a day), and may run past midnight.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MaintenanceWindow(
        @Required
        @Pattern(Limits.TIME_OF_DAY_PATTERN)
        @JsonPropertyDescription("When the window opens each day, in UTC, as HH:MM, e.g. 02:00.")
        String start,

        @Required
        @Pattern(Limits.DURATION_PATTERN)
        @JsonPropertyDescription("How long it stays open: a number and a unit, s, m, h or d, e.g. 4h; at most 1d.")
        String duration) {

    /** Whether {@code at} falls inside the window (of that day, or of the day before when it runs past midnight). */
    public boolean contains(Instant at) {
        LocalTime opens = LocalTime.parse(start);
        Duration length = Durations.parse(duration);
        var day = at.atZone(ZoneOffset.UTC).toLocalDate();
        for (var d : new java.time.LocalDate[]{day, day.minusDays(1)}) {
            Instant from = d.atTime(opens).toInstant(ZoneOffset.UTC);
            if (!at.isBefore(from) && at.isBefore(from.plus(length))) {
                return true;
            }
        }
        return false;
    }
}

package dev.canopy.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a command waits, written as schedules are ({@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}); ISO-8601
 * ({@code PT10M}) is still read, so that older scripts keep working.
 */
final class Waits implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("([1-9][0-9]{0,6})([smhd])");

    @Override
    public Duration convert(String value) {
        String text = value.strip();
        Matcher m = SHORT.matcher(text);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            Duration parsed = Duration.parse(text);
            if (!parsed.isNegative() && !parsed.isZero()) {
                return parsed;
            }
        } catch (DateTimeParseException e) {
            // said below
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not a time to wait: give a number and a unit,"
                + " s, m, h or d (e.g. 90s, 30m, 2h)");
    }

    /**
     * Asks {@code check} every half second until it gives an exit code, or prints {@code timedOut} and gives 1 once
     * the timeout has passed. The region writes what the CLI waits for, and the API only answers reads: asking again
     * is all there is.
     */
    static int until(Duration timeout, Supplier<Optional<Integer>> check, String timedOut) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<Integer> code = check.get();
            if (code.isPresent()) {
                return code.get();
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 130;
            }
        }
        System.err.println(timedOut);
        return 1;
    }
}

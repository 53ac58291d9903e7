package dev.canopy.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A wait is written as a schedule is (90s, 30m, 2h, 1d); ISO-8601 is still read. */
class WaitsTest {
    private final Waits waits = new Waits();

    @Test
    void theScheduleFormAndIsoAreRead() {
        assertThat(waits.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(waits.convert("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(waits.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(waits.convert("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(waits.convert("PT10M")).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void anythingElseIsRefusedSayingWhatToGive() {
        for (String bad : new String[]{"10", "10 minutes", "-5m", "0m", "PT0S", "m"}) {
            assertThatThrownBy(() -> waits.convert(bad)).as(bad).isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageContaining("give a number and a unit, s, m, h or d");
        }
    }
}

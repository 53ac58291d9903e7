package dev.canopy.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgumentsTest {
    private static final List<String> GROUPS = List.of("provision", "failover");

    @Test
    void quickIsThreeRunsAndFullIsFive() {
        assertThat(Arguments.parse(List.of("--quick"), GROUPS)).isEqualTo(new Arguments(true, 3, List.of(), false));
        assertThat(Arguments.parse(List.of(), GROUPS)).isEqualTo(new Arguments(false, 5, List.of(), false));
    }

    @Test
    void onlyAndRuns() {
        assertThat(Arguments.parse(List.of("--only", "failover,provision", "--runs", "1", "--keep"), GROUPS))
                .isEqualTo(new Arguments(false, 1, List.of("failover", "provision"), true));
    }

    @Test
    void refusesUnknownGroupsAndArguments() {
        assertThatThrownBy(() -> Arguments.parse(List.of("--only", "upgrade"), GROUPS)).hasMessageContaining("unknown group upgrade");
        assertThatThrownBy(() -> Arguments.parse(List.of("--fast"), GROUPS)).hasMessageContaining("unknown argument --fast");
        assertThatThrownBy(() -> Arguments.parse(List.of("--runs"), GROUPS)).hasMessageContaining("needs a value");
    }
}

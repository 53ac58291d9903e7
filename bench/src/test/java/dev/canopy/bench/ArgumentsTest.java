package dev.canopy.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgumentsTest {
    private static final List<String> GROUPS = List.of("provision", "failover");

    @Test
    void quickIsThreeRunsAndFullIsFive() {
        assertThat(Arguments.parse(List.of("--quick"), GROUPS)).isEqualTo(new Arguments(true, 3, List.of(), false, false));
        assertThat(Arguments.parse(List.of(), GROUPS)).isEqualTo(new Arguments(false, 5, List.of(), false, false));
    }

    @Test
    void onlyAndRuns() {
        assertThat(Arguments.parse(List.of("--only", "failover,provision", "--runs", "1", "--keep"), GROUPS))
                .isEqualTo(new Arguments(false, 1, List.of("failover", "provision"), true, false));
    }

    @Test
    void publishGoesWithOnly() {
        assertThat(Arguments.parse(List.of("--quick", "--only", "failover", "--publish"), GROUPS))
                .isEqualTo(new Arguments(true, 3, List.of("failover"), false, true));
        assertThatThrownBy(() -> Arguments.parse(List.of("--publish"), GROUPS)).hasMessageContaining("--publish goes with --only");
    }

    @Test
    void refusesUnknownGroupsAndArguments() {
        assertThatThrownBy(() -> Arguments.parse(List.of("--only", "upgrade"), GROUPS)).hasMessageContaining("unknown group upgrade");
        assertThatThrownBy(() -> Arguments.parse(List.of("--fast"), GROUPS)).hasMessageContaining("unknown argument --fast");
        assertThatThrownBy(() -> Arguments.parse(List.of("--runs"), GROUPS)).hasMessageContaining("needs a value");
    }
}

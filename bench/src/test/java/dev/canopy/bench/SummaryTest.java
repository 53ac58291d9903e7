package dev.canopy.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SummaryTest {
    @Test
    void oddCountTakesTheMiddleRun() {
        assertThat(Summary.of(List.of(9.0, 1.0, 5.0))).isEqualTo(new Summary(5.0, 1.0, 9.0, 3));
    }

    @Test
    void evenCountTakesTheMeanOfTheTwoMiddleRuns() {
        assertThat(Summary.of(List.of(4.0, 1.0, 2.0, 10.0))).isEqualTo(new Summary(3.0, 1.0, 10.0, 4));
    }

    @Test
    void noRunIsNoFigure() {
        assertThatThrownBy(() -> Summary.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ratioIsMedianOverTheFloorsMedian() {
        Figure figure = new Figure("provision", "ms", List.of(10_000.0, 12_000.0, 11_000.0), "floor",
                List.of(2_000.0, 2_500.0, 3_000.0));
        assertThat(figure.ratio()).isEqualTo(4.4);
        assertThat(new Figure("kill", "ms", List.of(1.0), "goal 0", List.of()).ratio()).isNaN();
    }
}

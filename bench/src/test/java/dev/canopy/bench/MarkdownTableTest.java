package dev.canopy.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownTableTest {
    static BenchReport report() {
        return new BenchReport("2026-11-25", "quick", "2.17.0", new Machine(2, 24_000, "Eclipse Adoptium 25", "Linux"),
                List.of(new Figure("Provision 1 agg + 1 leaf per AG", "ms", List.of(10_000.0, 12_000.0, 11_000.0),
                                "floor: one bare Ignite node", List.of(2_000.0, 2_500.0, 3_000.0)),
                        new Figure("Leaf kill: failed statements", "", List.of(0.0, 0.0, 1.0), "goal 0 | none", List.of())));
    }

    @Test
    void oneRowPerFigureWithItsComparisonAndRatio() {
        String md = MarkdownTable.render(report());
        assertThat(md).contains("| Figure | Median | Min | Max | n | Next to | Ratio |")
                .contains("| Provision 1 agg + 1 leaf per AG | 11000 ms | 10000 ms | 12000 ms | 3 | "
                        + "floor: one bare Ignite node: median 2500 ms (min 2000 ms, max 3000 ms, n 3) | 4.4× |")
                .contains("| Leaf kill: failed statements | 0 | 0 | 1 | 3 | goal 0 \\| none |  |")
                .contains("2 cores, 24000 MB memory, JDK Eclipse Adoptium 25, Linux");
    }

    @Test
    void fractionsGetTwoDecimals() {
        assertThat(MarkdownTable.number(1.234, "s")).isEqualTo("1.23 s");
        assertThat(MarkdownTable.number(7, "")).isEqualTo("7");
    }

    @Test
    void smallRatiosKeepTwoSignificantDigits() {
        assertThat(MarkdownTable.ratio(4.44)).isEqualTo("4.4×");
        assertThat(MarkdownTable.ratio(2 / 1385.0)).isEqualTo("0.0014×");
        assertThat(MarkdownTable.ratio(0.05)).isEqualTo("0.05×");
        assertThat(MarkdownTable.ratio(Double.NaN)).isEmpty();
    }
}

package dev.canopy.bench;

import java.util.List;

/** One bench run: the day's result file and the source of the table in BENCHMARKS.md. */
public record BenchReport(String date, String mode, String engineRelease, Machine machine, List<Figure> figures) {

    public BenchReport {
        figures = List.copyOf(figures);
    }
}

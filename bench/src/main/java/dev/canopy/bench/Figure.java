package dev.canopy.bench;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * One measured figure: its runs and what it stands next to (a floor, or a comparison), which may itself be measured.
 *
 * @param comparison what the figure is read against, in words (e.g. "floor: one bare Ignite node")
 * @param comparisonSamples the comparison's own runs when it was measured; empty when it is a goal or a bare text
 */
public record Figure(String name, String unit, List<Double> samples, String comparison, List<Double> comparisonSamples) {

    public Figure {
        samples = List.copyOf(samples);
        comparisonSamples = List.copyOf(comparisonSamples);
    }

    /** Written into the result file next to the raw runs, for a reader that does not recompute it. */
    @JsonProperty("summary")
    public Summary summary() {
        return Summary.of(samples);
    }

    /** Median over the comparison's median (how many times the floor), or NaN when there is nothing to divide by. */
    public double ratio() {
        if (comparisonSamples.isEmpty()) {
            return Double.NaN;
        }
        double floor = Summary.of(comparisonSamples).median();
        return floor == 0 ? Double.NaN : summary().median() / floor;
    }
}

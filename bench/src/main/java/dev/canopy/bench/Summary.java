package dev.canopy.bench;

import java.util.List;

/** Median, min and max of a figure's runs: the form every figure is published in. */
public record Summary(double median, double min, double max, int n) {

    /** The median of an even count is the mean of the two middle runs. */
    public static Summary of(List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a figure needs at least one run");
        }
        List<Double> sorted = samples.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Summary(median, sorted.getFirst(), sorted.getLast(), n);
    }
}

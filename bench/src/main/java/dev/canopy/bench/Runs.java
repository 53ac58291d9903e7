package dev.canopy.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every run of every measured value, by key, in the order they were taken; the figures are assembled from it. */
final class Runs {
    private final Map<String, List<Double>> values = new LinkedHashMap<>();

    void record(String key, double value) {
        values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        BenchSupport.log("%s = %.0f", key, value);
    }

    /** The runs of a key, empty when it was not measured (its group did not run). */
    List<Double> get(String key) {
        return values.getOrDefault(key, List.of());
    }

    boolean has(String key) {
        return values.containsKey(key);
    }
}

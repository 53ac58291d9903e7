package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * How many nodes of a kind are in the cluster, of how many declared; for leaves also the engine's baseline as last seen
 * (the leaves that hold the data), which the planner needs when no node answers: after a stop in the middle of a
 * scale-out, the leaves of the baseline must form the cluster before the new, empty ones start.
 */
public record NodeCounts(int ready, int total, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> baseline) {

    public NodeCounts {
        baseline = baseline == null ? List.of() : List.copyOf(baseline);
    }

    public NodeCounts(int ready, int total) {
        this(ready, total, List.of());
    }
}

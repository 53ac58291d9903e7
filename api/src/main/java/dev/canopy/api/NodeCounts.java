package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many nodes of a kind are in the cluster, of how many declared; for leaves also the engine's baseline as last seen
 * (the leaves that hold the data), which the planner needs when no node answers: after a stop in the middle of a
 * scale-out, the leaves of the baseline must form the cluster before the new, empty ones start; and the bytes each
 * leaf's storage takes, where the runtime measures it, for the storage autoscaler.
 */
public record NodeCounts(int ready, int total, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> baseline,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY)
                         @JsonPropertyDescription("Leaves only: the bytes each leaf's storage takes on disk, by leaf, where the"
                                 + " runtime measures it (local processes); absent on Kubernetes, where the volume's size is the limit.")
                         Map<String, Long> storageUsedBytes) {

    public NodeCounts {
        baseline = baseline == null ? List.of() : List.copyOf(baseline);
        // sorted, so that the same use reads and compares the same whatever order the leaves were measured in
        storageUsedBytes = storageUsedBytes == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(storageUsedBytes));
    }

    public NodeCounts(int ready, int total, List<String> baseline) {
        this(ready, total, baseline, Map.of());
    }

    public NodeCounts(int ready, int total) {
        this(ready, total, List.of());
    }
}

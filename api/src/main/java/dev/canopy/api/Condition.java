package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A Kubernetes-style condition; {@code lastTransitionTime} changes only when {@code status} does. {@code attempts}: on a
 * Progressing condition whose step failed and is retried, how many times in a row it failed (the next pass counts on
 * from it); absent otherwise.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(String type, String status, String reason, String message, String lastTransitionTime,
                        Integer attempts) {
    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";
    public static final String REDUNDANCY_MET = "RedundancyMet";
    public static final String BALANCED = "Balanced";
    /** Kubernetes: whether every leaf's volume has the size the spec asks for (present once it ever had to grow). */
    public static final String STORAGE = "Storage";
    /** False while some partitions have no copy in the cluster: their tables cannot be read or written. */
    public static final String DATA_AVAILABLE = "DataAvailable";
    /** True while the cluster takes no writes (fenced): reads answer, every write fails with "Cluster in read-only mode". */
    public static final String READ_ONLY = "ReadOnly";
    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    public Condition(String type, String status, String reason, String message, String lastTransitionTime) {
        this(type, status, reason, message, lastTransitionTime, null);
    }

    public Condition withAttempts(Integer value) {
        return new Condition(type, status, reason, message, lastTransitionTime, value);
    }

    @JsonIgnore
    public boolean isTrue() {
        return TRUE.equals(status);
    }
}

package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * Storage that grows before it fills: when a leaf's storage passes {@code thresholdPercent} of {@code storageGB},
 * {@code storageGB} grows by {@code stepPercent}, up to {@code maxStorageGB}. It never shrinks: a volume cannot, and
 * the data that filled it is still there. The maximum is required, so that a runaway write never becomes a runaway bill.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StorageAutoscaling(
        @Min(Limits.MIN_THRESHOLD_PERCENT)
        @Max(Limits.MAX_THRESHOLD_PERCENT)
        @JsonPropertyDescription("The share of storageGB, in percent, a leaf's storage may take before storageGB grows. 80 when absent.")
        Integer thresholdPercent,

        @Min(Limits.MIN_STEP_PERCENT)
        @Max(Limits.MAX_STEP_PERCENT)
        @JsonPropertyDescription("How much storageGB grows each time, in percent of what it is (at least 1 GiB). 50 when absent.")
        Integer stepPercent,

        @Required
        @Min(Limits.MIN_STORAGE_GB)
        @Max(Limits.MAX_STORAGE_GB)
        @JsonPropertyDescription("The most storageGB may grow to, in GiB; at least spec.leaves.storageGB.")
        Integer maxStorageGB) {

    public static final int DEFAULT_THRESHOLD_PERCENT = 80;
    public static final int DEFAULT_STEP_PERCENT = 50;

    public int thresholdPercentOrDefault() {
        return thresholdPercent == null ? DEFAULT_THRESHOLD_PERCENT : thresholdPercent;
    }

    public int stepPercentOrDefault() {
        return stepPercent == null ? DEFAULT_STEP_PERCENT : stepPercent;
    }
}

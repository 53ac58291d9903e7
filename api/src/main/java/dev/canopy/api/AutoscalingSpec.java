package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

import java.time.Duration;

/**
 * What the platform may change in the spec by itself, from the cluster's telemetry: grow the leaves' storage, add or
 * remove leaves, suspend an idle cluster. Each part is off when absent; the whole section absent is the same as empty.
 * Every change it makes is an ordinary spec change, recorded like a user's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AutoscalingSpec(
        @JsonPropertyDescription("Grow each leaf's storage when one passes a share of it, by a step, up to a maximum; never shrink.")
        StorageAutoscaling storage,

        @JsonPropertyDescription("Add leaves when CPU, heap or queries per second stay above a target, remove them when"
                + " they stay well below it for longer: one leaf per availability group at a time, within minLeaves and maxLeaves.")
        ComputeAutoscaling compute,

        @Pattern(Limits.DURATION_PATTERN)
        @JsonPropertyDescription("Suspend the cluster when no user SQL statement ran for this long: a number and a unit, s, m, h"
                + " or d, e.g. 30m; at least 60s. Never when absent.")
        String suspendAfterIdle) {

    public static final Duration MIN_SUSPEND_AFTER_IDLE = Duration.ofSeconds(60);

    /** The CRD's rule on the spec (it reads the leaves too): storage is never asked to grow to less than it has. */
    public static final String CEL_STORAGE_RULE = "!has(self.autoscaling) || !has(self.autoscaling.storage)"
            + " || self.autoscaling.storage.maxStorageGB >= self.leaves.storageGB";
    public static final String CEL_STORAGE_MESSAGE = "spec.autoscaling.storage.maxStorageGB: must be at least spec.leaves.storageGB";
    /** The CRD's rule on the spec: the leaves' count is within the autoscaler's bounds, as {@link SpecValidator} says. */
    public static final String CEL_COMPUTE_RULE = "!has(self.autoscaling) || !has(self.autoscaling.compute)"
            + " || (self.leaves.count >= self.autoscaling.compute.minLeaves && self.leaves.count <= self.autoscaling.compute.maxLeaves)";
    public static final String CEL_COMPUTE_MESSAGE = "spec.leaves.count: must be from spec.autoscaling.compute.minLeaves to maxLeaves";

    /** How long the cluster may stay idle before it is suspended; empty when it never is. */
    public java.util.Optional<Duration> suspendAfterIdleDuration() {
        return suspendAfterIdle == null ? java.util.Optional.empty() : java.util.Optional.of(Durations.parse(suspendAfterIdle));
    }
}

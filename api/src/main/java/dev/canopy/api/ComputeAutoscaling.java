package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

import java.time.Duration;

/**
 * Leaves added and removed with the load, one per availability group at a time, between {@code minLeaves} and
 * {@code maxLeaves} per group. Out when CPU, heap or queries per second per leaf stay above their target for
 * {@code scaleOutAfter}; in when all of them would stay below it with a leaf fewer for {@code scaleInAfter}, which is
 * longer (a leaf removed moves its data, and a load that comes back would move it again). Nothing within
 * {@code coolDown} of the last change, and scale-in only inside the maintenance window when one is given.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.maxLeaves >= self.minLeaves", message = "maxLeaves: must be at least minLeaves")
public record ComputeAutoscaling(
        @Required
        @Min(Limits.MIN_LEAVES)
        @Max(Limits.MAX_LEAVES)
        @JsonPropertyDescription("The fewest leaves per availability group; spec.leaves.count is kept at least this.")
        Integer minLeaves,

        @Required
        @Min(Limits.MIN_LEAVES)
        @Max(Limits.MAX_LEAVES)
        @JsonPropertyDescription("The most leaves per availability group; spec.leaves.count is kept at most this.")
        Integer maxLeaves,

        @Min(Limits.MIN_TARGET_PERCENT)
        @Max(Limits.MAX_TARGET_PERCENT)
        @JsonPropertyDescription("Target CPU use of the leaves, in percent, averaged over them. 70 when absent.")
        Integer cpuPercent,

        @Min(Limits.MIN_TARGET_PERCENT)
        @Max(Limits.MAX_TARGET_PERCENT)
        @JsonPropertyDescription("Target heap use of the leaves, in percent, averaged over them. 80 when absent.")
        Integer heapPercent,

        @Min(Limits.MIN_QUERIES_PER_SECOND)
        @Max(Limits.MAX_QUERIES_PER_SECOND)
        @JsonPropertyDescription("Target statements per second per leaf of each availability group. Not a target when absent.")
        Integer queriesPerSecondPerLeaf,

        @Pattern(Limits.DURATION_PATTERN)
        @JsonPropertyDescription("How long a target must stay exceeded before a leaf is added: a number and a unit, s, m, h or d. 5m when absent.")
        String scaleOutAfter,

        @Pattern(Limits.DURATION_PATTERN)
        @JsonPropertyDescription("How long every target must stay met with a leaf fewer before one is removed; longer than scaleOutAfter. 30m when absent.")
        String scaleInAfter,

        @Pattern(Limits.DURATION_PATTERN)
        @JsonPropertyDescription("How long after a change of the leaves nothing else is changed. 10m when absent.")
        String coolDown,

        @JsonPropertyDescription("When leaves may be removed (a removal moves data); at any time when absent.")
        MaintenanceWindow maintenanceWindow) {

    public static final int DEFAULT_CPU_PERCENT = 70;
    public static final int DEFAULT_HEAP_PERCENT = 80;
    public static final String DEFAULT_SCALE_OUT_AFTER = "5m";
    public static final String DEFAULT_SCALE_IN_AFTER = "30m";
    public static final String DEFAULT_COOL_DOWN = "10m";

    public int cpuPercentOrDefault() {
        return cpuPercent == null ? DEFAULT_CPU_PERCENT : cpuPercent;
    }

    public int heapPercentOrDefault() {
        return heapPercent == null ? DEFAULT_HEAP_PERCENT : heapPercent;
    }

    public Duration scaleOutAfterDuration() {
        return Durations.parse(scaleOutAfter == null ? DEFAULT_SCALE_OUT_AFTER : scaleOutAfter);
    }

    public Duration scaleInAfterDuration() {
        return Durations.parse(scaleInAfter == null ? DEFAULT_SCALE_IN_AFTER : scaleInAfter);
    }

    public Duration coolDownDuration() {
        return Durations.parse(coolDown == null ? DEFAULT_COOL_DOWN : coolDown);
    }
}

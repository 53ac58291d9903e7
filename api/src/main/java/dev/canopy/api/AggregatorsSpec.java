package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

public record AggregatorsSpec(
        @Required
        @Min(Limits.MIN_AGGREGATORS)
        @Max(Limits.MAX_AGGREGATORS)
        @JsonPropertyDescription("Number of aggregators.")
        Integer count,

        @Required
        @Min(Limits.MIN_HEIGHT)
        @Max(Limits.MAX_HEIGHT)
        @JsonPropertyDescription("Resource units per aggregator: 1 height = 1 vCPU + 4 GiB on Kubernetes.")
        Double height) {
}

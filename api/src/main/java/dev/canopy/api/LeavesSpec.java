package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeavesSpec(
        @Required
        @Min(Limits.MIN_LEAVES)
        @Max(Limits.MAX_LEAVES)
        @JsonPropertyDescription("Number of leaves in each availability group.")
        Integer count,

        @Required
        @Min(Limits.MIN_HEIGHT)
        @Max(Limits.MAX_HEIGHT)
        @JsonPropertyDescription("Resource units per leaf: 1 height = 1 vCPU + 4 GiB on Kubernetes.")
        Double height,

        @Required
        @Min(Limits.MIN_STORAGE_GB)
        @Max(Limits.MAX_STORAGE_GB)
        @JsonPropertyDescription("Persistent storage per leaf, in GiB.")
        Integer storageGB,

        @Pattern(Limits.STORAGE_CLASS_PATTERN)
        @JsonPropertyDescription("Kubernetes storage class of the leaves' volumes; the cluster default when absent.")
        String storageClass) {
}

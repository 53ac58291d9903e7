package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * The cluster this one is a replica of: kept continuously fed with its changes (a copy of its rows, then change data
 * capture). Removing it from the spec promotes the replica: the source is fenced when it can be reached, and the
 * replica takes writes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplicaOfSpec(
        @Required
        @Pattern(Limits.NAME_PATTERN)
        @JsonPropertyDescription("The source cluster's name.")
        String cluster,

        @Pattern(Limits.REGION_PATTERN)
        @JsonPropertyDescription("The source cluster's region; this cluster's own when absent.")
        String region) {
}

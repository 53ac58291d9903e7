package dev.canopy.controlplane.clusters;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.LeavesSpec;

import java.util.Map;

/** POST /clusters: the name, the region (default {@code local}) and the spec's fields, named as in the spec. */
public record CreateClusterRequest(String name, String region, String release, Integer redundancyLevel,
                                   AggregatorsSpec aggregators, LeavesSpec leaves, Map<String, String> config) {
}

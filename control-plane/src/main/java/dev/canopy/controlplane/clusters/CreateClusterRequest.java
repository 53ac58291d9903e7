package dev.canopy.controlplane.clusters;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.AutoscalingSpec;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.CrossRegionSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.RestoreSource;

import java.util.Map;

/**
 * POST /clusters: the name, the region (default {@code local}) and the spec's fields, named as in the spec; with
 * {@code restoreFrom}, the new cluster starts from that backup; with {@code replicaOf}, it is a replica of another
 * cluster of the organization, named as the organization names it (the region defaults to the new cluster's).
 */
public record CreateClusterRequest(String name, String region, String release, Integer redundancyLevel,
                                   AggregatorsSpec aggregators, LeavesSpec leaves, Map<String, String> config,
                                   BackupSpec backup, RestoreSource restoreFrom, String upgradeStrategy,
                                   ReplicaOfSpec replicaOf, CrossRegionSpec crossRegion, AutoscalingSpec autoscaling) {

    public CreateClusterRequest(String name, String region, String release, Integer redundancyLevel,
                                AggregatorsSpec aggregators, LeavesSpec leaves, Map<String, String> config,
                                BackupSpec backup, RestoreSource restoreFrom, String upgradeStrategy, ReplicaOfSpec replicaOf,
                                CrossRegionSpec crossRegion) {
        this(name, region, release, redundancyLevel, aggregators, leaves, config, backup, restoreFrom, upgradeStrategy, replicaOf,
                crossRegion, null);
    }

    public CreateClusterRequest(String name, String region, String release, Integer redundancyLevel,
                                AggregatorsSpec aggregators, LeavesSpec leaves, Map<String, String> config,
                                BackupSpec backup, RestoreSource restoreFrom, String upgradeStrategy, ReplicaOfSpec replicaOf) {
        this(name, region, release, redundancyLevel, aggregators, leaves, config, backup, restoreFrom, upgradeStrategy, replicaOf, null);
    }

    public CreateClusterRequest(String name, String region, String release, Integer redundancyLevel,
                                AggregatorsSpec aggregators, LeavesSpec leaves, Map<String, String> config) {
        this(name, region, release, redundancyLevel, aggregators, leaves, config, null, null, null, null);
    }

    public CreateClusterRequest(String name, String region, String release, Integer redundancyLevel,
                                AggregatorsSpec aggregators, LeavesSpec leaves, Map<String, String> config,
                                BackupSpec backup, RestoreSource restoreFrom) {
        this(name, region, release, redundancyLevel, aggregators, leaves, config, backup, restoreFrom, null, null);
    }

    /** The region the new cluster goes to: {@code local} unless named. */
    public String regionOrDefault() {
        return region == null ? "local" : region;
    }
}

package dev.canopy.controlplane.clusters;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.RestoreSource;

import java.util.Map;

/**
 * POST /clusters: the name, the region (default {@code local}) and the spec's fields, named as in the spec; with
 * {@code restoreFrom}, the new cluster starts from that backup.
 */
public record CreateClusterRequest(String name, String region, String release, Integer redundancyLevel,
                                   AggregatorsSpec aggregators, LeavesSpec leaves, Map<String, String> config,
                                   BackupSpec backup, RestoreSource restoreFrom, String upgradeStrategy) {

    public CreateClusterRequest(String name, String region, String release, Integer redundancyLevel,
                                AggregatorsSpec aggregators, LeavesSpec leaves, Map<String, String> config) {
        this(name, region, release, redundancyLevel, aggregators, leaves, config, null, null, null);
    }

    public CreateClusterRequest(String name, String region, String release, Integer redundancyLevel,
                                AggregatorsSpec aggregators, LeavesSpec leaves, Map<String, String> config,
                                BackupSpec backup, RestoreSource restoreFrom) {
        this(name, region, release, redundancyLevel, aggregators, leaves, config, backup, restoreFrom, null);
    }
}

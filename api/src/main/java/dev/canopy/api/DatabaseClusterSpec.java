package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.Map;

/**
 * What the user declares. The bounds in the annotations (for the CRD's schema) and in {@link SpecValidator}
 * (for every other entry point) are the same numbers, taken from {@link Limits}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// isSuspended() is no property: a @JsonIgnore on it would drop the whole "suspended" property (schema, reading, writing)
@JsonAutoDetect(isGetterVisibility = JsonAutoDetect.Visibility.NONE)
// a suspended cluster's release, size and settings wait until it runs again (SuspendedChanges): the API server says so too
@ValidationRule(value = SuspendedChanges.CEL_RULE, message = SuspendedChanges.CEL_MESSAGE)
// nor are the leaves of a cluster on an older engine added or removed (core's ReleaseChanges): the API server says so too
@ValidationRule(value = OlderEngineChanges.CEL_RULE, message = OlderEngineChanges.CEL_MESSAGE)
// the autoscaler's bounds hold the spec's own numbers: what SpecValidator says, for the API server to say too
@ValidationRule(value = AutoscalingSpec.CEL_STORAGE_RULE, message = AutoscalingSpec.CEL_STORAGE_MESSAGE)
@ValidationRule(value = AutoscalingSpec.CEL_COMPUTE_RULE, message = AutoscalingSpec.CEL_COMPUTE_MESSAGE)
public record DatabaseClusterSpec(
        @Required
        @Pattern(Limits.RELEASE_PATTERN)
        @JsonPropertyDescription("Engine release, e.g. 2.17.0. Changing it upgrades the cluster.")
        String release,

        @Required
        @Min(Limits.MIN_REDUNDANCY)
        @Max(Limits.MAX_REDUNDANCY)
        @JsonPropertyDescription("Copies of every partition: 1 (no backup) or 2 (a backup in the other availability group).")
        Integer redundancyLevel,

        @Required
        @JsonPropertyDescription("Query routers that clients connect to; they hold no data.")
        AggregatorsSpec aggregators,

        @Required
        @JsonPropertyDescription("Data nodes, in each of the two availability groups.")
        LeavesSpec leaves,

        @JsonPropertyDescription("Engine settings; only the keys of the allow-list are accepted.")
        Map<String, String> config,

        @JsonPropertyDescription("true stops every node and keeps its storage; false brings the cluster back.")
        Boolean suspended,

        @JsonPropertyDescription("Backups: schedule, retention and destination. On demand only, to the platform's directory, when absent.")
        BackupSpec backup,

        @Pattern(Limits.UPGRADE_STRATEGY_PATTERN)
        @JsonPropertyDescription("How a release that changes the engine version is rolled out: BlueGreen (the default where the region"
                + " supports it: a second cluster at the new release is fed by change data capture and takes the clients over,"
                + " writes pause about a second) or CoordinatedRestart (every node restarts at once: offline for its duration)."
                + " A release of the same engine version always rolls, one node at a time.")
        String upgradeStrategy,

        @JsonPropertyDescription("Makes the cluster a replica, continuously fed with the source's changes; remove it to"
                + " promote the replica (the source is fenced when it can be reached).")
        ReplicaOfSpec replicaOf,

        @JsonPropertyDescription("Who may reach the cluster from another region, where a Kubernetes region opens a load"
                + " balancer for it (a replica across regions, and its source): sourceRanges (CIDRs) or anySource: true.")
        CrossRegionSpec crossRegion,

        @JsonPropertyDescription("What the platform may change by itself from the cluster's telemetry: grow the leaves'"
                + " storage, add or remove leaves, suspend the cluster when idle. Nothing when absent.")
        AutoscalingSpec autoscaling) {

    public static final String BLUE_GREEN = "BlueGreen";
    public static final String COORDINATED_RESTART = "CoordinatedRestart";

    public DatabaseClusterSpec {
        config = config == null ? Map.of() : Map.copyOf(config);
    }

    /** A cluster without a backup section. */
    public DatabaseClusterSpec(String release, Integer redundancyLevel, AggregatorsSpec aggregators, LeavesSpec leaves,
                               Map<String, String> config, Boolean suspended) {
        this(release, redundancyLevel, aggregators, leaves, config, suspended, null, null, null);
    }

    /** A cluster with the region's default upgrade strategy. */
    public DatabaseClusterSpec(String release, Integer redundancyLevel, AggregatorsSpec aggregators, LeavesSpec leaves,
                               Map<String, String> config, Boolean suspended, BackupSpec backup) {
        this(release, redundancyLevel, aggregators, leaves, config, suspended, backup, null, null);
    }

    public DatabaseClusterSpec(String release, Integer redundancyLevel, AggregatorsSpec aggregators, LeavesSpec leaves,
                               Map<String, String> config, Boolean suspended, BackupSpec backup, String upgradeStrategy) {
        this(release, redundancyLevel, aggregators, leaves, config, suspended, backup, upgradeStrategy, null);
    }

    /** A cluster that says nothing of who may reach it from another region. */
    public DatabaseClusterSpec(String release, Integer redundancyLevel, AggregatorsSpec aggregators, LeavesSpec leaves,
                               Map<String, String> config, Boolean suspended, BackupSpec backup, String upgradeStrategy,
                               ReplicaOfSpec replicaOf) {
        this(release, redundancyLevel, aggregators, leaves, config, suspended, backup, upgradeStrategy, replicaOf, null);
    }

    /** A cluster the platform does not scale by itself. */
    public DatabaseClusterSpec(String release, Integer redundancyLevel, AggregatorsSpec aggregators, LeavesSpec leaves,
                               Map<String, String> config, Boolean suspended, BackupSpec backup, String upgradeStrategy,
                               ReplicaOfSpec replicaOf, CrossRegionSpec crossRegion) {
        this(release, redundancyLevel, aggregators, leaves, config, suspended, backup, upgradeStrategy, replicaOf, crossRegion, null);
    }

    public DatabaseClusterSpec withCrossRegion(CrossRegionSpec value) {
        return new DatabaseClusterSpec(release, redundancyLevel, aggregators, leaves, config, suspended, backup, upgradeStrategy,
                replicaOf, value, autoscaling);
    }

    public DatabaseClusterSpec withReplicaOf(ReplicaOfSpec value) {
        return new DatabaseClusterSpec(release, redundancyLevel, aggregators, leaves, config, suspended, backup, upgradeStrategy, value,
                crossRegion, autoscaling);
    }

    public DatabaseClusterSpec withAutoscaling(AutoscalingSpec value) {
        return new DatabaseClusterSpec(release, redundancyLevel, aggregators, leaves, config, suspended, backup, upgradeStrategy, replicaOf,
                crossRegion, value);
    }

    /**
     * The CEL rule sits on this explicit accessor only: on the record component it would reach both the field and the
     * accessor, and the CRD generator would emit it twice (a duplicate x-kubernetes-validations rule breaks server-side apply).
     */
    @ValidationRule(value = EngineSetting.CEL_ALLOWED_KEYS, message = "not an allowed engine setting")
    public Map<String, String> config() {
        return config;
    }

    public boolean isSuspended() {
        return Boolean.TRUE.equals(suspended);
    }

    public DatabaseClusterSpec withSuspended(boolean value) {
        return new DatabaseClusterSpec(release, redundancyLevel, aggregators, leaves, config, value, backup, upgradeStrategy, replicaOf, crossRegion, autoscaling);
    }

    public DatabaseClusterSpec withRelease(String value) {
        return new DatabaseClusterSpec(value, redundancyLevel, aggregators, leaves, config, suspended, backup, upgradeStrategy, replicaOf, crossRegion, autoscaling);
    }

    public DatabaseClusterSpec withLeaves(LeavesSpec value) {
        return new DatabaseClusterSpec(release, redundancyLevel, aggregators, value, config, suspended, backup, upgradeStrategy, replicaOf, crossRegion, autoscaling);
    }

    public DatabaseClusterSpec withConfig(Map<String, String> value) {
        return new DatabaseClusterSpec(release, redundancyLevel, aggregators, leaves, value, suspended, backup, upgradeStrategy, replicaOf, crossRegion, autoscaling);
    }

    public DatabaseClusterSpec withUpgradeStrategy(String value) {
        return new DatabaseClusterSpec(release, redundancyLevel, aggregators, leaves, config, suspended, backup, value, replicaOf, crossRegion, autoscaling);
    }

    public DatabaseClusterSpec withBackup(BackupSpec value) {
        return new DatabaseClusterSpec(release, redundancyLevel, aggregators, leaves, config, suspended, value, upgradeStrategy, replicaOf, crossRegion, autoscaling);
    }
}

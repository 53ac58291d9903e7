package dev.canopy.core;

import java.time.Duration;

/**
 * The platform's choices that are not part of a cluster's spec.
 *
 * @param replaceDownLeafAfter   how long a leaf may stay out of the cluster (crashing, hung, its machine gone) before
 *                               it is replaced: started afresh with its identity and empty storage, then refilled from
 *                               the other availability group. Only at redundancy 2, when the other group is whole.
 * @param wholeAvailabilityGroup a rolling restart restarts every leaf of an availability group at once rather than
 *                               one at a time (the other group holds a copy of every partition meanwhile)
 * @param rebalanceStalledAfter  how long the number of copies being filled may stay the same, every node up, before
 *                               the rebalance counts as stalled and the leaf filling most of them is restarted (which
 *                               starts its rebalance again); a partition copied in less time than this is progress
 * @param storageFullAt          the share of a leaf's {@code storageGB} its storage may take before the cluster turns
 *                               read-only (where the runtime measures it: locally); it takes writes again below 90%
 *                               of that. As managed databases do at a full disk, rather than let the disk fill.
 * @param restartSilentAggregatorAfter how long an aggregator may stay in the cluster, routed, without SQL answering
 *                               through it (the cluster active and every partition owned) before it is restarted: an
 *                               aggregator hung in a partition exchange (seen with Ignite 2.17 after a leaf rejoined)
 *                               serves nothing until it is
 */
public record PlannerPolicy(Duration replaceDownLeafAfter, boolean wholeAvailabilityGroup, Duration rebalanceStalledAfter,
                            double storageFullAt, Duration restartSilentAggregatorAfter) {

    private static final double DEFAULTS_STORAGE_FULL_AT = 0.95;
    private static final Duration DEFAULTS_RESTART_SILENT_AGGREGATOR_AFTER = Duration.ofMinutes(2);

    public static final PlannerPolicy DEFAULTS = new PlannerPolicy(Duration.ofMinutes(5), false, Duration.ofMinutes(2));

    public PlannerPolicy(Duration replaceDownLeafAfter, boolean wholeAvailabilityGroup, Duration rebalanceStalledAfter) {
        this(replaceDownLeafAfter, wholeAvailabilityGroup, rebalanceStalledAfter, DEFAULTS_STORAGE_FULL_AT,
                DEFAULTS_RESTART_SILENT_AGGREGATOR_AFTER);
    }

    public PlannerPolicy withStorageFullAt(double share) {
        return new PlannerPolicy(replaceDownLeafAfter, wholeAvailabilityGroup, rebalanceStalledAfter, share, restartSilentAggregatorAfter);
    }

    public PlannerPolicy withReplaceDownLeafAfter(Duration after) {
        return new PlannerPolicy(after, wholeAvailabilityGroup, rebalanceStalledAfter, storageFullAt, restartSilentAggregatorAfter);
    }

    public PlannerPolicy withWholeAvailabilityGroup(boolean whole) {
        return new PlannerPolicy(replaceDownLeafAfter, whole, rebalanceStalledAfter, storageFullAt, restartSilentAggregatorAfter);
    }

    public PlannerPolicy withRebalanceStalledAfter(Duration after) {
        return new PlannerPolicy(replaceDownLeafAfter, wholeAvailabilityGroup, after, storageFullAt, restartSilentAggregatorAfter);
    }

    public PlannerPolicy withRestartSilentAggregatorAfter(Duration after) {
        return new PlannerPolicy(replaceDownLeafAfter, wholeAvailabilityGroup, rebalanceStalledAfter, storageFullAt, after);
    }
}

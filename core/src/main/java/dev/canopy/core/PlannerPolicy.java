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
 */
public record PlannerPolicy(Duration replaceDownLeafAfter, boolean wholeAvailabilityGroup) {

    public static final PlannerPolicy DEFAULTS = new PlannerPolicy(Duration.ofMinutes(5), false);

    public PlannerPolicy withReplaceDownLeafAfter(Duration after) {
        return new PlannerPolicy(after, wholeAvailabilityGroup);
    }

    public PlannerPolicy withWholeAvailabilityGroup(boolean whole) {
        return new PlannerPolicy(replaceDownLeafAfter, whole);
    }
}

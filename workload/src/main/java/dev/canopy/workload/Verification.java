package dev.canopy.workload;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of reading back every id acknowledged before {@link Workload#verify} started.
 *
 * @param acknowledged ids acknowledged before the verification started
 * @param found        of those, the ones read back
 * @param missingIds   acknowledged ids not read back, sorted; when the verification did not complete, this includes
 *                     the ids it could not read before its deadline, so that an unreachable cluster never passes
 * @param complete     whether every id range was read before the deadline
 * @param inDoubt      writes that failed (they may or may not have committed)
 * @param inDoubtFound of those, the ones that did commit; informative only
 */
public record Verification(long acknowledged, long found, List<Long> missingIds, boolean complete, long inDoubt,
                           long inDoubtFound, Duration took) {

    private static final int SHOWN_MISSING = 20;

    public Verification {
        missingIds = List.copyOf(missingIds);
    }

    /** Every acknowledged write was read back. */
    public boolean ok() {
        return complete && missingIds.isEmpty();
    }

    public String summary() {
        String missing = missingIds.size() <= SHOWN_MISSING ? missingIds.toString()
                : missingIds.subList(0, SHOWN_MISSING) + " and " + (missingIds.size() - SHOWN_MISSING) + " more";
        return "%s: %d acknowledged, %d found, %d missing %s; %d in doubt, of which %d committed; took %d ms"
                .formatted(complete ? "verification" : "INCOMPLETE verification", acknowledged, found, missingIds.size(),
                        missing, inDoubt, inDoubtFound, took.toMillis());
    }

    @Override
    public String toString() {
        return summary();
    }
}

package dev.canopy.controlplane.store;

import java.time.Instant;

/**
 * One line of the audit log: who (a key id, or {@code platform}) asked for what, on which cluster, when, and how it
 * ended. A change the region carries out later stays {@code accepted} with the generation it asked for until the
 * region's status shows it done ({@code succeeded}) or failed.
 */
public record Operation(long id, String organization, String actor, String action, String cluster, String request,
                        Outcome outcome, String message, Instant at, Long generation, String region, String regionName,
                        Instant finishedAt) {

    public enum Outcome { accepted, succeeded, failed, refused }

    /** An operation about to be recorded: the store gives it its id. */
    public static Operation of(String organization, String actor, String action, String cluster, String request,
                               Outcome outcome, String message, Instant at) {
        return new Operation(0, organization, actor, action, cluster, request, outcome, message, at, null, null, null,
                outcome == Outcome.accepted ? null : at);
    }

    /** The same operation, to be followed in its region until the region reached this generation. */
    public Operation following(String inRegion, String nameInRegion, Long targetGeneration) {
        return new Operation(id, organization, actor, action, cluster, request, outcome, message, at, targetGeneration,
                inRegion, nameInRegion, null);
    }
}

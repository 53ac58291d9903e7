package dev.canopy.controlplane.store;

import java.time.Instant;

/** One line of the audit log: who (a key id) asked for what, on which cluster, when, and how it ended. */
public record Operation(long id, String organization, String actor, String action, String cluster, String request,
                        Outcome outcome, String message, Instant at) {

    public enum Outcome { accepted, refused, failed }

    /** An operation about to be recorded: the store gives it its id. */
    public static Operation of(String organization, String actor, String action, String cluster, String request,
                               Outcome outcome, String message, Instant at) {
        return new Operation(0, organization, actor, action, cluster, request, outcome, message, at);
    }
}

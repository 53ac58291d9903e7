package dev.canopy.controlplane.store;

import java.time.Instant;

/** Something that happened to a cluster, as its region reported it: its phase and the reconciler's current step. */
public record ClusterEvent(long id, String organization, String cluster, String type, String reason, String message,
                           Instant at) {
}

package dev.canopy.controlplane.region;

import java.time.Instant;

/** A database user of a cluster, as listed: never a password. */
public record DatabaseUser(String user, Instant created, Instant passwordChanged) {
}

package dev.canopy.controlplane.store;

import java.time.Instant;

/** A stored key: its public id, what it may do, and the hash of the whole key (never the key itself). */
public record ApiKey(String id, String organization, Role role, String description, String secretSha256,
                     Instant createdAt, Instant revokedAt) {
    public boolean revoked() {
        return revokedAt != null;
    }
}

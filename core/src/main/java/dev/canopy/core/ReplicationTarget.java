package dev.canopy.core;

import java.util.List;

/**
 * Where a cluster's changes stream to: a cluster (its name, for messages) and the thin-client addresses of its
 * aggregators or leaves, host:port. The target may run another engine release than the source.
 */
public record ReplicationTarget(String cluster, List<String> addresses) {

    public ReplicationTarget {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a replication target needs at least one address");
        }
    }
}

package dev.canopy.core;

import java.util.List;

/**
 * Where a cluster's changes stream to: a cluster (its name, for messages) and the thin-client addresses of its
 * aggregators or leaves, host:port. The target may run another engine release than the source. {@code held}: the
 * source captures its changes but nothing streams yet (the target is being filled with a copy of the rows; every
 * change captured meanwhile streams once the hold is released).
 */
public record ReplicationTarget(String cluster, List<String> addresses, boolean held) {

    public ReplicationTarget {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a replication target needs at least one address");
        }
    }

    public ReplicationTarget(String cluster, List<String> addresses) {
        this(cluster, addresses, false);
    }
}

package dev.canopy.core;

import java.util.Optional;

/**
 * A replica's source as the replica's pass reaches it, in the replica's region or another one: what a
 * {@link ReplicaFeeder} reads of it and asks of it.
 */
public interface ReplicaSource {

    /** The source's declared nodes where they run (for the copy, the comparison and the lag). */
    Topology topology();

    /**
     * When its last blue/green upgrade began (current or done); empty when it never had one. Such an upgrade takes its
     * leaves' captures for itself: what they stream to green meanwhile does not reach the replica.
     */
    Optional<String> lastUpgradeStartedAt();

    /** Whether a blue/green upgrade of it is in progress. */
    boolean upgrading();

    /** Whether every declared leaf runs with change capture on (its rows may be copied). */
    boolean capturing();

    /** The cluster it streams its changes to, as of its last pass; empty while held, stopped or failing. */
    Optional<String> streamsTo();

    /** Where it is asked to stream its changes (held or not); empty when it is not. */
    Optional<ReplicationTarget> replicationTarget();

    /** Captures its changes for the target from its next pass on, streaming them unless {@code target.held()}. */
    void replicate(ReplicationTarget target);

    /** Stops capturing for any target (on its next pass); what reached the target stays there. */
    void stopReplicating();

    /**
     * The replica no longer reaches it at all (deleted, fed from elsewhere, or its promotion no longer keeps it fenced):
     * what was opened for a replica of another region may close. Nothing to do where nothing was opened.
     */
    default void release() {
    }
}

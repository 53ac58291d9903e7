package dev.canopy.core;

import java.util.Optional;

/**
 * A cluster's two deployments on one runtime, for blue/green upgrades: the one that serves its clients, the other one
 * (where green is built), the upgrade's progress (kept where a restarted platform or operator finds it again), the
 * client endpoint, and the removal of a deployment that no longer serves.
 */
public interface Deployments {

    /** The runtime's name of the deployment whose aggregators the cluster's clients reach. */
    String serving(String cluster);

    /** The cluster's other deployment: where green is built. */
    String other(String cluster);

    /** The cluster's blue/green upgrade, current or last; empty when it never had one. */
    Optional<BlueGreen.Progress> progress(String cluster);

    void saveProgress(String cluster, BlueGreen.Progress progress);

    /**
     * Moves the cluster's client endpoint (the addresses its clients know) from blue's aggregators to green's, and
     * records green as serving. Idempotent: a switch that failed half-way is done again.
     */
    void moveClients(String cluster, Topology blue, Topology green);

    /** Stops every node and capture of the deployment and deletes its storage: it no longer exists. */
    void retire(String deployment);
}

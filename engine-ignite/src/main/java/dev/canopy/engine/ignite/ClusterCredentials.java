package dev.canopy.engine.ignite;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the platform keeps each cluster's admin secret: the engine adapter asks it by deployment name (a cluster's
 * nodes run under its name, and under a second name during a blue/green upgrade; both share one secret) rather than
 * being handed strings call by call.
 */
public interface ClusterCredentials {
    /** Clusters run without authentication: nothing is kept, nothing is sent. */
    ClusterCredentials NONE = new ClusterCredentials() {
        @Override
        public Credentials admin(String deployment) {
            return Credentials.NONE;
        }

        @Override
        public Optional<Path> file(String deployment) {
            return Optional.empty();
        }
    };

    /**
     * The platform's login to the deployment's cluster: the stored one, or a new one made and stored first (so that a
     * password set on the engine is always one the platform has kept).
     */
    Credentials admin(String deployment);

    /**
     * The file holding {@link #admin}'s login ({@code user} and {@code password} properties), for a process of the
     * platform (a leaf's change capture) to read it from rather than from its command line or configuration.
     */
    Optional<Path> file(String deployment);

    /** Whether the nodes run with the engine's authentication on. */
    default boolean authentication() {
        return this != NONE;
    }
}

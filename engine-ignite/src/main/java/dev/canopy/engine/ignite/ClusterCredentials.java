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

    /**
     * The file a change capture beside a leaf of {@code source} reads its login to {@code target} from; empty: the
     * target runs without authentication. Where the platform keeps every secret in one place (the local region), the
     * target's own {@link #file}; on Kubernetes the capture runs in the source's pod, which sees only what is mounted
     * there, and the file depends on whether the target is the source's other deployment or a replica.
     */
    default Optional<Path> targetLogin(String source, String target) {
        return authentication(target, false) ? file(target) : Optional.empty();
    }

    /**
     * Whether the deployment's nodes run with the engine's authentication on. Ignite refuses a node whose security
     * differs from the cluster's, so it is decided once per deployment, when it has no storage yet, and kept: a cluster
     * from before authentication keeps running without it (a restarted node could not join otherwise) until a fresh
     * deployment replaces it (a blue/green engine upgrade).
     *
     * @param fresh whether none of the deployment's leaves has storage yet; a fresh deployment is decided now
     */
    default boolean authentication(String deployment, boolean fresh) {
        return this != NONE;
    }

    /**
     * Whether the deployment's nodes handle a message of a node that joined a moment ago (one their discovery cache does
     * not hold yet) instead of dropping it, which with the engine's authentication on can leave a partition map
     * exchange or a login waiting forever (see the node launcher's {@code JoiningNodeSecurityPlugin}). It gives the
     * nodes a security processor of another class, and Ignite refuses a node whose class differs from its cluster's:
     * decided with {@link #authentication}, on a fresh deployment only, and kept; a deployment that runs without it
     * keeps running without it until a fresh one replaces it.
     */
    default boolean joiningNodeSecurity(String deployment) {
        return false;
    }

    /**
     * How the deployment's client connections are encrypted; empty: in plain text. Decided like {@link #authentication}
     * (once, on a fresh deployment, and kept), so that the platform's clients never guess which a node serves: a cluster
     * from before TLS gets it with its next fresh deployment.
     */
    default java.util.Optional<ClientTls> tls(String deployment, boolean fresh) {
        return java.util.Optional.empty();
    }

    /**
     * Whether the deployment's nodes also talk to each other over TLS (discovery and communication), with the
     * certificate and authority of {@link #tls}: a node without them cannot join. Decided like {@link #authentication},
     * once on a fresh deployment and kept, as nodes of one cluster must all speak TLS or none.
     */
    default boolean nodeTls(String deployment, boolean fresh) {
        return false;
    }
}

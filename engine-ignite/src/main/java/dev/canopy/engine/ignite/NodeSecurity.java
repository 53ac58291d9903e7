package dev.canopy.engine.ignite;

import java.util.Optional;

/**
 * How a deployment's nodes are secured; each part is decided once per deployment and kept (see
 * {@link ClusterCredentials}), as nodes of one cluster must agree on all of them but {@code tls}.
 *
 * @param authentication whether the engine's authentication is on (see {@link ClusterCredentials#authentication})
 * @param joiningNodes   whether the nodes handle a just-joined node's messages (see
 *                       {@link ClusterCredentials#joiningNodeSecurity}); only with authentication
 * @param tls            how the nodes serve clients over TLS; empty: in plain text
 * @param nodeTls        whether the nodes also talk to each other over TLS; only with {@code tls}
 */
public record NodeSecurity(boolean authentication, boolean joiningNodes, Optional<ClientTls> tls, boolean nodeTls) {
    public NodeSecurity {
        if (joiningNodes && !authentication) {
            throw new IllegalArgumentException("the joining nodes' security is part of the engine's authentication");
        }
        if (nodeTls && tls.isEmpty()) {
            throw new IllegalArgumentException("node-to-node TLS needs the cluster's certificates");
        }
    }
}

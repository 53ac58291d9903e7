package dev.canopy.node;

import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.internal.GridKernalContext;
import org.apache.ignite.internal.processors.authentication.IgniteAuthenticationProcessor;
import org.apache.ignite.internal.processors.security.SecurityContext;
import org.apache.ignite.internal.processors.security.SecurityUtils;
import org.apache.ignite.internal.util.typedef.internal.U;
import org.apache.ignite.spi.discovery.DiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;

import java.util.UUID;

/**
 * The engine's own authentication, which also knows the nodes its discovery ring has taken in but its discovery cache
 * not yet.
 *
 * <p>Why: with security on, Ignite 2.16/2.17 runs each message a node receives under the sender's security context,
 * found in the discovery cache; a message from a node that joined a moment ago, before the cache holds it, is dropped
 * ("Failed to find security context for subject with given ID", {@code IgniteSecurityProcessor.withContext}). Seen
 * in a rolling restart: the coordinator dropped a restarted leaf's message, the partition map exchange never ended,
 * and SQL through an aggregator stalled for minutes. The engine asks this processor first; for an id that is no user,
 * it answers with the security context of the node as the discovery ring knows it (the same node attribute the engine
 * reads once its cache has the node), so the message is handled instead of dropped. Logins are checked as before.
 */
final class JoiningNodeAuthenticationProcessor extends IgniteAuthenticationProcessor {
    private final GridKernalContext kernal;

    JoiningNodeAuthenticationProcessor(GridKernalContext kernal) {
        super(kernal);
        this.kernal = kernal;
    }

    @Override
    public SecurityContext securityContext(UUID subjId) {
        SecurityContext user = super.securityContext(subjId);
        if (user != null) {
            return user;
        }
        DiscoverySpi discovery = kernal.config().getDiscoverySpi();
        if (!(discovery instanceof TcpDiscoverySpi)) {
            return null;
        }
        ClusterNode joining = ((TcpDiscoverySpi) discovery).getNode0(subjId);
        if (joining == null) {
            return null;
        }
        return SecurityUtils.nodeSecurityContext(kernal.marshallerContext().jdkMarshaller(),
                U.resolveClassLoader(kernal.config()), joining);
    }
}

package dev.canopy.node;

import org.apache.ignite.IgniteCheckedException;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.internal.IgniteInterruptedCheckedException;
import org.apache.ignite.internal.processors.authentication.IgniteAccessControlException;
import org.apache.ignite.internal.processors.security.SecurityContext;
import org.apache.ignite.plugin.security.AuthenticationContext;
import org.apache.ignite.internal.GridKernalContext;
import org.apache.ignite.internal.processors.authentication.IgniteAuthenticationProcessor;
import org.apache.ignite.internal.processors.security.SecurityUtils;
import org.apache.ignite.internal.util.typedef.internal.U;
import org.apache.ignite.spi.discovery.DiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;

import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
 *
 * <p>And on an aggregator (a client node), a login that arrives while the node is still joining waits until it has
 * joined: the engine's client listener takes connections before the join, and its check of a login locks the processor
 * and then waits for communication to open, which the join opens only after taking that same lock (Ignite 2.17: the
 * client connector thread in {@code authenticate} → {@code TcpCommunicationSpi.getSpiContext}, the discovery notifier
 * in {@code onLocalJoin} → {@code coordinator()}), so the node never finished starting. Seen in the chaos test: a
 * killed aggregator's restart, with clients reconnecting to it, hung for minutes.
 */
final class JoiningNodeAuthenticationProcessor extends IgniteAuthenticationProcessor {
    /** Longer than any join we have seen; a login that outwaits it fails, and its client tries another aggregator. */
    static final long JOIN_WAIT_SECONDS = 120;

    private final GridKernalContext kernal;
    private final CountDownLatch started = new CountDownLatch(1);

    JoiningNodeAuthenticationProcessor(GridKernalContext kernal) {
        super(kernal);
        this.kernal = kernal;
    }

    /** Called once the node has joined and its communication is open (after the engine's IO manager's start). */
    @Override
    public void onKernalStart(boolean active) throws IgniteCheckedException {
        super.onKernalStart(active);
        started.countDown();
    }

    @Override
    public void onKernalStop(boolean cancel) {
        // a login still waiting goes on, and fails the way the engine fails one on a stopping node
        started.countDown();
        super.onKernalStop(cancel);
    }

    @Override
    public SecurityContext authenticate(AuthenticationContext authCtx) throws IgniteCheckedException {
        if (kernal.clientNode()) {
            try {
                if (!started.await(JOIN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IgniteAccessControlException("this aggregator has not joined its cluster after "
                            + JOIN_WAIT_SECONDS + " s; try another");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IgniteInterruptedCheckedException(e);
            }
        }
        return super.authenticate(authCtx);
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

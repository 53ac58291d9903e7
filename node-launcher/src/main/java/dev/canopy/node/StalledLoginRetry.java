package dev.canopy.node;

import org.apache.ignite.Ignite;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.internal.IgniteEx;
import org.apache.ignite.internal.processors.authentication.IgniteAuthenticationProcessor;
import org.apache.ignite.internal.processors.security.IgniteSecurity;
import org.apache.ignite.internal.processors.security.IgniteSecurityProcessor;
import org.apache.ignite.internal.util.future.GridFutureAdapter;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Asks a leaf again when a login check this aggregator delegated gets no answer within a deadline.
 *
 * <p>Why: an Ignite 2.16/2.17 client node checks each login by sending it to a random server node, then waits for the
 * answer with no timeout, asking again only if that node leaves. The question can be lost: a leaf that has not yet
 * taken in this aggregator's join drops it ("Failed to find security context for subject with given ID" in the leaf's
 * log, seen after restarts), and a leaf that is stopping ignores it. The waiting thread is one of the client
 * connector's, held forever, and with it the node's graceful stop (which joins those threads). This ends such a wait
 * the way Ignite does when the asked node leaves (the future's retry flag), so the login goes to a leaf again.
 *
 * <p>The engine offers no hook for it, hence reflection, kept to this class, on the processor's map of waiting checks
 * (the same shape in 2.16.0 and 2.17.0; {@code StalledLoginRetryTest} holds it to the release the build runs). When
 * the shape is not found, logins behave as the engine makes them and the log says so.
 */
final class StalledLoginRetry {

    /** A leaf answers a login check from memory in milliseconds: three seconds is a lost question, not a slow one. */
    static final Duration DEADLINE = Duration.ofSeconds(3);

    private static final long SCAN_MILLIS = 500;
    /** A late answer looks its check up in the map: a retried check stays there this long, then goes. */
    private static final long FORGET_NANOS = Duration.ofMinutes(1).toNanos();

    private final Ignite ignite;
    private final Map<?, ? extends GridFutureAdapter<?>> waiting;
    private final Method retryFlag;
    private final Method askedNode;
    private final long deadlineNanos;
    private final Map<GridFutureAdapter<?>, Long> firstSeen = new IdentityHashMap<>();
    private final Map<GridFutureAdapter<?>, Long> retriedAt = new IdentityHashMap<>();

    private StalledLoginRetry(Ignite ignite, Map<?, ? extends GridFutureAdapter<?>> waiting, Method retryFlag,
                              Method askedNode, Duration deadline) {
        this.ignite = ignite;
        this.waiting = waiting;
        this.retryFlag = retryFlag;
        this.askedNode = askedNode;
        this.deadlineNanos = deadline.toNanos();
    }

    /** For a client node with authentication on; empty otherwise, or when this release's processor looks different. */
    static Optional<StalledLoginRetry> of(Ignite ignite) {
        IgniteSecurity security = ((IgniteEx) ignite).context().security();
        if (!(security instanceof IgniteSecurityProcessor)) {
            return Optional.empty();
        }
        Object processor = ((IgniteSecurityProcessor) security).securityProcessor();
        if (!(processor instanceof IgniteAuthenticationProcessor)) {
            return Optional.empty();
        }
        try {
            Field futures = IgniteAuthenticationProcessor.class.getDeclaredField("authFuts");
            futures.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<?, ? extends GridFutureAdapter<?>> waiting =
                    (Map<?, ? extends GridFutureAdapter<?>>) futures.get(processor);
            Class<?> future = Class.forName(IgniteAuthenticationProcessor.class.getName() + "$AuthenticateFuture");
            Method retryFlag = future.getDeclaredMethod("retry", boolean.class);
            Method askedNode = future.getDeclaredMethod("nodeId");
            retryFlag.setAccessible(true);
            askedNode.setAccessible(true);
            return Optional.of(new StalledLoginRetry(ignite, waiting, retryFlag, askedNode, DEADLINE));
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("canopy: this release's login checks cannot be retried (" + e
                    + "); a login a leaf never answers holds its client connection until the node stops");
            return Optional.empty();
        }
    }

    /** Scans on a daemon thread for as long as the node runs. */
    void start() {
        Thread scanner = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(SCAN_MILLIS);
                    scan(System.nanoTime());
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException | ReflectiveOperationException e) {
                    System.err.println("canopy: checking for stalled login checks failed: " + e);
                }
            }
        }, "canopy-stalled-login-retry");
        scanner.setDaemon(true);
        scanner.start();
    }

    private void scan(long now) throws ReflectiveOperationException {
        Map<GridFutureAdapter<?>, Long> seen = new IdentityHashMap<>();
        Map<GridFutureAdapter<?>, Long> stillRetried = new IdentityHashMap<>();
        for (GridFutureAdapter<?> check : waiting.values()) {
            Long retriedSince = retriedAt.get(check);
            if (retriedSince != null) {
                if (now - retriedSince > FORGET_NANOS) {
                    waiting.values().remove(check);
                } else {
                    stillRetried.put(check, retriedSince);
                }
            } else if (!check.isDone()) {
                long since = firstSeen.getOrDefault(check, now);
                if (now - since >= deadlineNanos && askAgain(check)) {
                    stillRetried.put(check, now);
                } else {
                    seen.put(check, since);
                }
            }
        }
        // checks answered (and removed by the engine) are forgotten here too
        firstSeen.clear();
        firstSeen.putAll(seen);
        retriedAt.clear();
        retriedAt.putAll(stillRetried);
    }

    private boolean askAgain(GridFutureAdapter<?> check) throws ReflectiveOperationException {
        UUID asked = (UUID) askedNode.invoke(check);
        // the flag first: the waiting thread reads it once the future is done
        retryFlag.invoke(check, true);
        if (!check.onDone()) {
            return false;
        }
        System.err.println("canopy: a login check sent to " + describe(asked) + " got no answer in "
                + Duration.ofNanos(deadlineNanos).toMillis() + " ms; asking a leaf again");
        return true;
    }

    private String describe(UUID nodeId) {
        ClusterNode node = ignite.cluster().node(nodeId);
        return node == null ? "node " + nodeId + " (gone)" : "leaf " + node.consistentId() + " (" + nodeId + ")";
    }
}

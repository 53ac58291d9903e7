package dev.canopy.operator;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A replica that loses the Lease exits, so that it cannot reconcile beside the new leader (Kubernetes restarts it as a
 * follower) — unless it lost it because it is shutting down. JOSDK's own exit on stop leading called
 * {@code System.exit} from inside the JVM's shutdown hook, which never returns: a leader sent SIGTERM hung until the
 * kubelet killed it at the end of its grace period (40 s, on every rollout), without closing its client.
 */
final class LeadershipExit {
    private static final Logger LOG = LoggerFactory.getLogger(LeadershipExit.class);
    private final boolean exit;
    private final Runnable exitProcess;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();

    /** @param exitProcess what exiting is ({@code System.exit(1)} in the operator's process) */
    LeadershipExit(boolean exit, Runnable exitProcess) {
        this.exit = exit;
        this.exitProcess = exitProcess;
    }

    static LeadershipExit ofProcess(boolean exit) {
        return new LeadershipExit(exit, () -> System.exit(1));
    }

    LeaderCallbacks callbacks() {
        return new LeaderCallbacks(() -> { }, this::stoppedLeading, leader -> { });
    }

    /** From now on a lost Lease is the shutdown's doing: nothing to exit for. */
    void shuttingDown() {
        shuttingDown.set(true);
    }

    private void stoppedLeading() {
        if (exit && !shuttingDown.get()) {
            LOG.warn("no longer the leader: exiting, to be restarted as a follower");
            exitProcess.run();
        }
    }
}

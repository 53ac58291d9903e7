package dev.canopy.backup;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** The thread a region takes and restores backups on, apart from its reconcile passes. */
public final class BackupWorker {
    /** How long a stopping region waits for the copy in progress to end once interrupted. */
    public static final long STOP_WAIT_SECONDS = 30;

    private BackupWorker() {
    }

    /**
     * Interrupts the backup or restore in progress and waits for it to end, at most {@link #STOP_WAIT_SECONDS}: a region
     * that stops closes its clients next, which the copy would otherwise go on using.
     */
    public static void stop(ExecutorService worker) {
        worker.shutdownNow();
        try {
            worker.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

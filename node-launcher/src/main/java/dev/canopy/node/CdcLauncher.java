package dev.canopy.node;

import org.apache.ignite.cdc.CdcLoader;
import org.apache.ignite.internal.cdc.CdcMain;

/**
 * Starts Ignite's change-data-capture application for one leaf from a Spring XML holding the leaf's
 * {@code IgniteConfiguration} and a {@code CdcConfiguration} (as {@code CdcCommandLineStartup} does), supervised
 * like a node (tied to its supervisor's standard input or outliving it, see {@link NodeLauncher}). It exits with 1 when the
 * application ends by itself (the target unreachable for too long, a broken state), so that its supervisor restarts
 * it; it resumes from its last committed position.
 */
public final class CdcLauncher {

    private CdcLauncher() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: CdcLauncher <cdc.xml>");
            System.exit(2);
        }
        CdcMain cdc;
        try {
            cdc = CdcLoader.loadCdc(args[0]);
        } catch (Throwable e) {
            System.err.println("canopy: change data capture failed to load from " + args[0] + ": " + e);
            e.printStackTrace();
            Runtime.getRuntime().halt(1);
            return;
        }
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cdc.stop();
            try {
                // lets the consumer commit and close its client
                main.join(5_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "canopy-cdc-stop"));
        NodeLauncher.watchSupervisor("change data capture");
        try {
            cdc.run();
        } catch (Throwable e) {
            System.err.println("canopy: change data capture failed: " + e);
            e.printStackTrace();
            Runtime.getRuntime().halt(1);
        }
        System.err.println("canopy: change data capture ended");
        System.exit(1);
    }
}

package dev.canopy.node;

import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;

import java.io.IOException;
import java.io.InputStream;

/**
 * Starts one Ignite node from its Spring XML file and ties its life to its supervisor: the supervisor holds this
 * process's standard input open, so when the supervisor goes away, even by kill -9, standard input ends and the node
 * stops instead of living on as an orphan that holds ports and storage.
 */
public final class NodeLauncher {

    private NodeLauncher() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: NodeLauncher <node.xml>");
            System.exit(2);
        }
        Thread watchdog = new Thread(NodeLauncher::stopWhenSupervisorGoes, "canopy-supervisor-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            Ignite ignite = Ignition.start(args[0]);
            if (ignite.cluster().localNode().isClient()) {
                startTables(ignite);
            }
        } catch (Throwable e) {
            System.err.println("canopy: node failed to start from " + args[0] + ": " + e);
            e.printStackTrace();
            Runtime.getRuntime().halt(1);
        }
    }

    /**
     * An aggregator (a client node) starts a table's cache only when a statement first needs it, and until then its
     * SQL parser answers "Table not found": started here, the tables are known by the time clients come.
     */
    private static void startTables(Ignite ignite) {
        for (String cache : ignite.cacheNames()) {
            ignite.cache(cache);
        }
    }

    private static void stopWhenSupervisorGoes() {
        InputStream in = System.in;
        try {
            while (in.read() != -1) {
                // the supervisor never writes; anything read is ignored
            }
        } catch (IOException ignored) {
            // a broken pipe means the same as end of input
        }
        System.err.println("canopy: supervisor gone (standard input closed); stopping the node");
        // Ignite's shutdown hook stops the node gracefully
        System.exit(0);
    }
}

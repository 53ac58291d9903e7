package dev.canopy.node;

import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Starts one Ignite node from its Spring XML file. It stops gracefully on SIGTERM (the engine's shutdown hook). With
 * {@code -Dcanopy.supervisor=stdin} its life is tied to its supervisor's: the supervisor holds this process's standard
 * input open, so when the supervisor goes away, even by kill -9, standard input ends and the node stops instead of
 * living on as an orphan (tests and tools want that); without it, the node outlives its supervisor, which adopts it
 * again when it comes back (the platform wants that: the data plane serves while the platform is down).
 */
public final class NodeLauncher {

    /**
     * The file written once the node has started, when set: its supervisor sends clients and its own calls to the node
     * only then (an aggregator asked to check a login while it is still joining deadlocks in Ignite 2.17).
     */
    public static final String STARTED_FILE_PROPERTY = "canopy.startedFile";

    /** The first argument that makes this launcher start a leaf's change-data-capture process instead of a node. */
    public static final String CDC = "--cdc";

    private NodeLauncher() {
    }

    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals(CDC)) {
            // the change-data-capture process beside a leaf: supervised by the runtime the same way as a node
            CdcLauncher.main(new String[]{args[1]});
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: NodeLauncher <node.xml> | NodeLauncher " + CDC + " <cdc.xml>");
            System.exit(2);
        }
        watchSupervisor("node");
        try {
            Ignite ignite = Ignition.start(args[0]);
            if (ignite.cluster().localNode().isClient()) {
                startTables(ignite);
            }
            markStarted();
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

    private static void markStarted() throws IOException {
        String file = System.getProperty(STARTED_FILE_PROPERTY);
        if (file != null) {
            Path started = Paths.get(file);
            Path tmp = started.resolveSibling(started.getFileName() + ".tmp");
            Files.write(tmp, ("started by pid " + ProcessHandle.current().pid() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Files.move(tmp, started, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Stops this process (through the shutdown hooks) when the supervisor's end of standard input closes, if the
     * supervisor asked for it.
     */
    static void watchSupervisor(String what) {
        if (!"stdin".equals(System.getProperty("canopy.supervisor"))) {
            return;
        }
        Thread watchdog = new Thread(() -> stopWhenSupervisorGoes(what), "canopy-supervisor-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static void stopWhenSupervisorGoes(String what) {
        InputStream in = System.in;
        try {
            while (in.read() != -1) {
                // the supervisor never writes; anything read is ignored
            }
        } catch (IOException ignored) {
            // a broken pipe means the same as end of input
        }
        System.err.println("canopy: supervisor gone (standard input closed); stopping the " + what);
        // Ignite's shutdown hook stops the node gracefully
        System.exit(0);
    }
}

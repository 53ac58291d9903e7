package dev.canopy.cli;

import dev.canopy.api.ClusterManifest;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.controlplane.ControlPlane;
import dev.canopy.controlplane.region.LocalClusterRegion;
import dev.canopy.core.Causes;
import dev.canopy.region.local.ClusterStore;
import dev.canopy.region.local.LocalRegion;
import dev.canopy.region.local.PlatformLock;
import dev.canopy.region.local.StoredCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Starts the platform on this machine with the local region and keeps it running until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start the platform with the local region and make the demo cluster real; Ctrl-C stops every node it started (data is kept).")
final class UpCommand implements Callable<Integer> {
    static final String DEMO = "demo";
    /** Written by the first start that made (or found) the demo: a demo deleted since is not made again. */
    static final String DEMO_MADE = "demo.made";

    @ParentCommand
    Main main;

    @Option(names = "--no-demo", description = "Do not create the demo cluster.")
    boolean noDemo;

    @picocli.CommandLine.Mixin
    ControlPlaneOptions api;

    @Override
    public Integer call() throws InterruptedException {
        Path dataDir = main.dataDir();
        Optional<String> portTaken = api.portTaken();
        if (portTaken.isPresent()) {
            // before anything is made: a start that failed later left a data directory and an admin key never shown
            System.err.println("canopy: cannot listen on " + api.host + ":" + api.port + " (" + portTaken.get() + "); another port"
                    + " with --port (or a platform runs there already: one per data directory)");
            return 1;
        }
        Optional<PlatformLock> lock = PlatformLock.acquire(dataDir);
        if (lock.isEmpty()) {
            System.err.println("canopy: a platform already runs on " + dataDir + "; stop it first (Ctrl-C in its terminal)");
            return 1;
        }
        ClusterStore store = Platform.store(dataDir);
        System.out.println("canopy: platform starting; data directory " + dataDir + ", log " + dataDir.resolve("platform.log"));
        List<String> releases = Platform.releases().available();
        System.out.println("canopy: local region: releases " + String.join(", ", releases));
        // the first start of a data directory makes the demo; a demo deleted since is not made again
        Path demoMade = dataDir.resolve(DEMO_MADE);
        boolean demoCreated = !noDemo && !Files.exists(demoMade) && store.get(DEMO).isEmpty();
        if (demoCreated) {
            // stored before the control plane starts, which adopts it as the platform organization's demo
            store.apply(demoManifest(), releases);
        }
        if (!noDemo) {
            markDemoMade(demoMade);
        }
        Platform.Parts parts = Platform.parts(store);
        LocalClusterRegion localRegion = new LocalClusterRegion(store, () -> releases, Platform.users(parts));
        ControlPlane controlPlane;
        try {
            controlPlane = ControlPlane.start(api.settings(dataDir), List.of(localRegion), Clock.systemUTC());
        } catch (RuntimeException e) {
            System.err.println("canopy: cannot start the control plane (API on " + api.host + ":" + api.port + ", database "
                    + api.database(dataDir) + "): " + Causes.rootMessage(e)
                    + "; another port with --port, another database with --db-url");
            lock.get().close();
            return 1;
        }
        // what the region reports, under the names the API, the portal and `./canopy sql` take
        ApiNames names = new ApiNames(controlPlane.clusters(), localRegion.name());
        Progress progress = new Progress(System.out, names);
        for (StoredCluster cluster : store.list()) {
            progress.line(cluster.name(), cluster.damaged() ? "found, left as it is: " + cluster.damage()
                    : (demoCreated && cluster.name().equals(DEMO) ? "created: " : "found: ") + Printer.summary(cluster)
                    + "; bringing it up");
        }
        printApi(controlPlane, api.host);
        LocalRegion region = Platform.localRegion(parts, new Progress(System.out, names) {
            @Override
            public void statusChanged(String cluster, DatabaseClusterStatus before, DatabaseClusterStatus after) {
                super.statusChanged(cluster, before, after);
                if (after.phase() == Phase.Ready && (before == null || before.phase() != Phase.Ready)) {
                    printConnection(names.apply(cluster), after);
                }
            }
        });
        Thread shutdown = new Thread(() -> {
            System.out.println();
            System.out.println("canopy: stopping every node (storage is kept in " + dataDir + ") ...");
            // the region first: its last pass still reports through the control plane (the names progress lines use)
            region.close();
            controlPlane.close();
            lock.get().close();
            System.out.println("canopy: stopped. `./canopy up` brings the same clusters back with their data.");
        }, "canopy-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        region.start();
        // runs until the JVM is asked to stop (Ctrl-C); the shutdown hook stops the nodes
        Thread.currentThread().join();
        return 0;
    }

    private static void markDemoMade(Path marker) {
        try {
            if (!Files.exists(marker)) {
                Files.writeString(marker, "the demo cluster was made in this data directory; `./canopy up` does not make it again\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + marker, e);
        }
    }

    /** Why the API's address cannot be listened on, if it cannot; 0 takes any free port. */
    static Optional<String> portTaken(String host, int port) {
        if (port == 0) {
            return Optional.empty();
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
            return Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static void printApi(ControlPlane controlPlane, String host) {
        String url = "http://" + (host.equals("0.0.0.0") || host.equals("127.0.0.1") ? "localhost" : host) + ":" + controlPlane.port();
        System.out.println("canopy: portal on " + url + "/ (sign in with the admin key below)");
        System.out.println("canopy: API on " + url + "/api/v1 (OpenAPI: " + url + "/api/v1/openapi.yaml, metrics: " + url
                + "/metrics with the token in " + controlPlane.metricsTokenFile() + ")");
        controlPlane.newAdminKey().ifPresentOrElse(
                key -> System.out.println("canopy: admin key of organization default, shown this once (also in "
                        + controlPlane.adminKeyFile() + ", readable by you only):\n\n    " + key + "\n"),
                () -> System.out.println("canopy: admin key of organization default: in " + controlPlane.adminKeyFile()));
        System.out.println("canopy: try  curl -H \"Authorization: Bearer $(cat " + controlPlane.adminKeyFile() + ")\" "
                + url + "/api/v1/clusters");
    }

    private static void printConnection(String cluster, DatabaseClusterStatus status) {
        if (status.endpoints() == null || !ApiNames.isPlatforms(cluster)) {
            // another organization's cluster: its own key reaches it, not the commands below
            return;
        }
        System.out.println();
        System.out.println("  " + cluster + " is ready.");
        System.out.println("    JDBC URL:   " + status.endpoints().jdbcUrl());
        System.out.println("    SQL shell:  ./canopy sql " + cluster);
        System.out.println("    Tables:     CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR) WITH \"template=canopy\"");
        System.out.println("    Status:     ./canopy clusters get " + cluster);
        System.out.println("  Press Ctrl-C to stop every node (data is kept).");
        System.out.println();
    }

    static ClusterManifest demoManifest() {
        try (InputStream in = UpCommand.class.getResourceAsStream("demo.yaml")) {
            return ClusterManifest.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("the demo manifest is missing from the build", e);
        }
    }
}

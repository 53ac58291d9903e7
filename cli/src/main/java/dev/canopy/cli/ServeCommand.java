package dev.canopy.cli;

import dev.canopy.controlplane.ControlPlane;
import dev.canopy.core.Causes;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The control plane alone: its API and portal, over regions registered through the API (Kubernetes), with no local
 * region. Several may serve at once on one PostgreSQL database behind any load balancer: each answers every request,
 * and one at a time holds the background duties (a lease in the database), taken over by another within seconds when
 * it stops. They must share the database and the secret key ({@code $CANOPY_SECRET_KEY}), not their data directories.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the control plane alone (API and portal over regions registered through the API, no local region).",
                "Replicas share one PostgreSQL database (--db-url) and $CANOPY_SECRET_KEY; Ctrl-C stops this one."})
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @picocli.CommandLine.Mixin
    ControlPlaneOptions api;

    @Override
    public Integer call() throws InterruptedException {
        Path dataDir = main.dataDir();
        Optional<String> portTaken = api.portTaken();
        if (portTaken.isPresent()) {
            System.err.println("canopy: cannot listen on " + api.host + ":" + api.port + " (" + portTaken.get() + "); another port with --port");
            return 1;
        }
        ControlPlane controlPlane;
        try {
            controlPlane = ControlPlane.start(api.settings(dataDir), List.of(), Clock.systemUTC());
        } catch (RuntimeException e) {
            System.err.println("canopy: cannot start the control plane (API on " + api.host + ":" + api.port + ", database "
                    + api.database(dataDir) + "): " + Causes.rootMessage(e));
            return 1;
        }
        System.out.println("canopy: control plane serving on http://" + api.host + ":" + controlPlane.port() + "/api/v1 (data directory "
                + dataDir + ", log " + dataDir.resolve("platform.log") + ")");
        controlPlane.newAdminKey().ifPresentOrElse(
                key -> System.out.println("canopy: admin key of organization default, shown this once (also in "
                        + controlPlane.adminKeyFile() + ", readable by you only):\n\n    " + key + "\n"),
                () -> System.out.println("canopy: admin key of organization default: made by another replica, or in "
                        + controlPlane.adminKeyFile()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            controlPlane.close();
            System.out.println("canopy: stopped.");
        }, "canopy-shutdown"));
        Thread.currentThread().join();
        return 0;
    }
}

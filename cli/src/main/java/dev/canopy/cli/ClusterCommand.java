package dev.canopy.cli;

import dev.canopy.api.ClusterManifest;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.Phase;
import dev.canopy.region.local.ClusterStore;
import dev.canopy.region.local.PlatformLock;
import dev.canopy.region.local.StoredCluster;
import dev.canopy.runtime.local.LocalRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** {@code canopy cluster ...}: declare, inspect and delete clusters of the local region. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Create, update, inspect and delete clusters.",
        subcommands = {ClusterCommand.Apply.class, ClusterCommand.ListClusters.class, ClusterCommand.Get.class, ClusterCommand.Delete.class})
final class ClusterCommand {
    @ParentCommand
    Main main;

    Path dataDir() {
        return main.dataDir();
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Create or update a cluster from a DatabaseCluster YAML file, then follow it until it is Ready.")
    static final class Apply implements Callable<Integer> {
        @ParentCommand
        ClusterCommand parent;

        @Option(names = {"-f", "--file"}, required = true, description = "The DatabaseCluster YAML file.")
        Path file;

        @Option(names = "--no-wait", description = "Return once stored, without following the cluster.")
        boolean noWait;

        @Option(names = "--timeout", defaultValue = "30m", description = "How long to follow the cluster, e.g. 90s, 30m, 2h (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws IOException {
            ClusterManifest manifest;
            try {
                manifest = ClusterManifest.parse(Files.readString(file));
            } catch (NoSuchFileException e) {
                System.err.println("canopy: no such file: " + file);
                return 2;
            } catch (InvalidSpecException e) {
                return refuse(file.toString(), e);
            }
            Path dataDir = parent.dataDir();
            ClusterStore store = Platform.store(dataDir);
            ClusterStore.Applied applied;
            try {
                applied = store.apply(manifest, Platform.releases().available());
            } catch (InvalidSpecException e) {
                return refuse(file.toString(), e);
            } catch (IllegalStateException e) {
                System.err.println("canopy: " + e.getMessage());
                return 1;
            }
            System.out.printf("cluster %s %s (generation %d)%n", manifest.name(), applied.outcome().name().toLowerCase(), applied.generation());
            if (!PlatformLock.isHeld(dataDir)) {
                System.out.println("the platform is not running: `./canopy up` makes it real");
                return 0;
            }
            return noWait ? 0 : follow(store, manifest.name(), applied.generation(), timeout);
        }

        private static int refuse(String source, InvalidSpecException e) {
            System.err.println("canopy: " + source + " is not a valid DatabaseCluster; nothing was changed:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        }
    }

    /** Prints progress until the cluster has observed this generation and settled, or the timeout passes. */
    static int follow(ClusterStore store, String name, long generation, Duration timeout) {
        Progress progress = new Progress(System.out);
        DatabaseClusterStatus[] last = {null};
        return pollUntil(timeout, () -> {
            Optional<StoredCluster> cluster = store.get(name);
            if (cluster.isEmpty()) {
                System.err.println("canopy: cluster " + name + " was deleted meanwhile");
                return Optional.of(1);
            }
            DatabaseClusterStatus status = cluster.get().status();
            if (status == null) {
                return Optional.empty();
            }
            if (!status.equals(last[0])) {
                progress.statusChanged(name, last[0], status);
                last[0] = status;
            }
            if (Objects.equals(status.observedGeneration(), generation)
                    && (status.phase() == Phase.Ready || status.phase() == Phase.Suspended && cluster.get().spec().isSuspended())) {
                System.out.println("cluster " + name + " is " + status.phase()
                        + (status.endpoints() != null && status.phase() == Phase.Ready ? "; JDBC URL " + status.endpoints().jdbcUrl() : ""));
                return Optional.of(0);
            }
            if (status.phase() == Phase.Failed) {
                System.err.println("canopy: cluster " + name + " failed: " + Progress.progressMessage(status));
                return Optional.of(1);
            }
            return Optional.empty();
        }, "canopy: cluster " + name + " is not ready after " + timeout.toSeconds() + " s; `./canopy cluster get " + name
                + "` shows where it is");
    }

    /**
     * Asks {@code check} every half second until it gives an exit code, or prints {@code timedOut} and gives 1 once
     * the timeout has passed. The platform writes what the CLI waits for, so polling the store is all there is.
     */
    static int pollUntil(Duration timeout, Supplier<Optional<Integer>> check, String timedOut) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<Integer> code = check.get();
            if (code.isPresent()) {
                return code.get();
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 130;
            }
        }
        System.err.println(timedOut);
        return 1;
    }

    /** The named cluster, or empty after saying on stderr that there is none. */
    static Optional<StoredCluster> find(ClusterStore store, String name) {
        Optional<StoredCluster> cluster = store.get(name);
        if (cluster.isEmpty()) {
            System.err.println("canopy: no cluster named " + name);
        }
        return cluster;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the clusters of the local region.")
    static final class ListClusters implements Callable<Integer> {
        @ParentCommand
        ClusterCommand parent;

        @Override
        public Integer call() {
            var clusters = Platform.store(parent.dataDir()).list();
            if (clusters.isEmpty()) {
                System.out.println("no clusters; `./canopy cluster apply -f examples/orders.yaml` creates one");
                return 0;
            }
            boolean platformRunning = PlatformLock.isHeld(parent.dataDir());
            if (!platformRunning) {
                System.out.println("(the platform is not running: `./canopy up` starts it)");
            }
            Printer.table(System.out, clusters, platformRunning);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a cluster: phase, conditions, endpoints.")
    static final class Get implements Callable<Integer> {
        @ParentCommand
        ClusterCommand parent;

        @Parameters(index = "0", description = "The cluster's name.")
        String name;

        @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text, json or yaml (default ${DEFAULT-VALUE}).")
        Printer.Format format;

        @Override
        public Integer call() {
            Optional<StoredCluster> cluster = find(Platform.store(parent.dataDir()), name);
            if (cluster.isEmpty()) {
                return 1;
            }
            if (format == Printer.Format.text) {
                Printer.details(System.out, cluster.get(), PlatformLock.isHeld(parent.dataDir()));
            } else {
                System.out.println(Printer.document(cluster.get(), format));
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a cluster: stop its nodes and remove its storage.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        ClusterCommand parent;

        @Parameters(index = "0", description = "The cluster's name.")
        String name;

        @Option(names = "--timeout", defaultValue = "10m", description = "How long to wait for the deletion, e.g. 90s, 10m (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() {
            Path dataDir = parent.dataDir();
            ClusterStore store = Platform.store(dataDir);
            if (find(store, name).isEmpty()) {
                return 1;
            }
            if (!PlatformLock.isHeld(dataDir)) {
                // no platform, so no node runs: remove the cluster's files directly
                try (LocalRuntime runtime = new LocalRuntime(dataDir, Platform.releases())) {
                    ClusterStore.deployments(name).reversed().forEach(runtime::deleteCluster);
                }
                System.out.println("cluster " + name + " deleted");
                return 0;
            }
            store.markDeleting(name);
            System.out.println("cluster " + name + " is being deleted ...");
            return pollUntil(timeout, () -> {
                if (store.get(name).isPresent()) {
                    return Optional.empty();
                }
                System.out.println("cluster " + name + " deleted: every node stopped, storage removed");
                return Optional.of(0);
            }, "canopy: cluster " + name + " is still being deleted after " + timeout.toSeconds() + " s");
        }
    }
}

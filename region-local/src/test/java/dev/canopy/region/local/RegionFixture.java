package dev.canopy.region.local;

import dev.canopy.api.ClusterManifest;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.core.Step;
import dev.canopy.engine.ignite.AdminSecretFiles;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.runtime.local.LocalRuntime;
import dev.canopy.runtime.local.ReleaseCatalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A local region on real node processes for a test: its own data directory, free ports, and every process stopped by
 * {@link #close()} even when the test failed half-way. Records the steps taken and the status changes. Runs
 * clusters with the engine's authentication on, as the platform does, unless a test asks otherwise: its own clients
 * log in with {@link #login}.
 */
final class RegionFixture implements AutoCloseable {
    final LocalRuntime runtime;
    final ClusterStore store;
    final LocalRegion region;
    final List<Step> steps = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final List<DatabaseClusterStatus> statuses = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    private final Path dataDir;
    /** The engine the region runs: its {@code adminLogin} is the platform's login to a cluster. */
    final IgniteEngine engine;

    RegionFixture(Path dataDir, PlannerPolicy policy) {
        this(dataDir, policy, false);
    }

    /** @param backups whether the region takes backups and restores (with the engine's snapshots) */
    RegionFixture(Path dataDir, PlannerPolicy policy, boolean backups) {
        this(dataDir, policy, backups, Clock.systemUTC());
    }

    /** @param clock the region's time, for a test that moves it (a backup schedule); authentication on */
    RegionFixture(Path dataDir, PlannerPolicy policy, boolean backups, Clock clock) {
        this(dataDir, policy, backups, clock, true);
    }

    /** @param authentication whether nodes run with the engine's authentication, as the platform runs them */
    RegionFixture(Path dataDir, PlannerPolicy policy, boolean backups, Clock clock, boolean authentication) {
        this.dataDir = dataDir;
        runtime = new LocalRuntime(dataDir, ReleaseCatalog.fromSystemProperties(), "127.0.0.1", Duration.ofSeconds(20));
        store = new ClusterStore(dataDir);
        engine = authentication ? IgniteEngine.local(new AdminSecretFiles(store::adminSecretFile, store::authenticationMarker, store::tlsDirectory, store::tlsMarker)) : IgniteEngine.local();
        region = new LocalRegion(store, runtime, engine, new RegionListener() {
            @Override
            public void stepTaken(String cluster, Step step) {
                steps.add(step);
                System.out.printf("%tT step %s: %s%n", System.currentTimeMillis(), step.reason(), step.message());
            }

            @Override
            public void statusChanged(String cluster, DatabaseClusterStatus before, DatabaseClusterStatus after) {
                statuses.add(after);
            }

            @Override
            public void deleted(String cluster) {
                deleted.add(cluster);
            }

            @Override
            public void failed(String cluster, String message) {
                failures.add(message);
            }
        }, clock, policy, backups ? engine : null);
        region.start();
    }

    /**
     * The platform's login to a deployment (a cluster, or blue/green's green) as the thin driver's {@code user} and
     * {@code password} properties, for a test's own JDBC clients; none when the region runs without authentication.
     */
    Properties login(String deployment) {
        return engine.adminLogin(deployment).jdbcProperties();
    }

    /** Applies the spec and returns the generation it got. */
    long apply(String name, DatabaseClusterSpec spec) {
        return store.apply(new ClusterManifest(name, spec), ReleaseCatalog.fromSystemProperties().available()).generation();
    }

    LocalBackups backups() {
        return region.backups().orElseThrow();
    }

    DatabaseClusterStatus status(String name) {
        return store.get(name).map(StoredCluster::status).orElse(null);
    }

    /** Waits until the cluster has reconciled this generation into the phase. */
    DatabaseClusterStatus awaitPhase(String name, long generation, Phase phase, Duration atMost) {
        return await(name + " " + phase + " at generation " + generation + " (failures so far: " + failures + ")")
                .atMost(atMost).pollInterval(Duration.ofMillis(250))
                .until(() -> status(name), s -> s != null && s.phase() == phase
                        && Objects.equals(s.observedGeneration(), generation));
    }

    DatabaseClusterStatus awaitStatus(String name, String what, Predicate<DatabaseClusterStatus> condition, Duration atMost) {
        return await(name + ": " + what).atMost(atMost).pollInterval(Duration.ofMillis(250))
                .until(() -> status(name), s -> s != null && condition.test(s));
    }

    @Override
    public void close() {
        // stops the loop, then every node this runtime started
        region.close();
        keepNodeLogs();
    }

    /**
     * The test's data directory goes with it: its nodes' logs are copied to {@code target/node-logs/<directory>} first,
     * so that a failure can be read afterwards (a stalled rebalance, say, is only explained there).
     */
    private void keepNodeLogs() {
        Path kept = Path.of("target", "node-logs", dataDir.getFileName().toString());
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path log : files.filter(f -> f.getFileName().toString().endsWith(".log") && Files.isRegularFile(f)).toList()) {
                Path target = kept.resolve(dataDir.relativize(log));
                Files.createDirectories(target.getParent());
                Files.copy(log, target, StandardCopyOption.REPLACE_EXISTING);
            }
            System.out.println("node logs kept in " + kept.toAbsolutePath());
        } catch (IOException e) {
            System.out.println("could not keep the node logs of " + dataDir + ": " + e);
        }
    }
}

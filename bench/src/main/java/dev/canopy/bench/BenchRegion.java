package dev.canopy.bench;

import dev.canopy.api.ClusterManifest;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.core.Step;
import dev.canopy.engine.ignite.AdminSecretFiles;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.region.local.ClusterStore;
import dev.canopy.region.local.LocalRegion;
import dev.canopy.region.local.RegionListener;
import dev.canopy.region.local.StoredCluster;
import dev.canopy.runtime.local.LocalRuntime;
import dev.canopy.runtime.local.ReleaseCatalog;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local region on real node processes in its own data directory with free ports, as the platform runs it; every
 * process it started is stopped by {@link #close()}, also when a benchmark failed half-way.
 */
final class BenchRegion implements AutoCloseable {
    final LocalRuntime runtime;
    final ClusterStore store;
    final LocalRegion region;
    final List<String> failures = new CopyOnWriteArrayList<>();
    /** When a step of each reason was last taken (System.nanoTime, after the step was carried out). */
    final Map<String, Long> stepTaken = new ConcurrentHashMap<>();

    final IgniteEngine engine;

    /** How the region's clusters take clients: the figures compare the engine's paths, so most run without either. */
    enum Security {
        NONE, AUTHENTICATION, AUTHENTICATION_AND_TLS,
        /** TLS to clients only, the nodes talking to each other in plain text (the platform's default for now). */
        AUTHENTICATION_AND_CLIENT_TLS
    }

    BenchRegion(Path dataDir) {
        this(dataDir, false);
    }

    /** @param backups whether the region takes backups and restores them (with the engine's snapshots), as the platform's does */
    BenchRegion(Path dataDir, boolean backups) {
        this(dataDir, backups, Security.NONE);
    }

    BenchRegion(Path dataDir, boolean backups, Security security) {
        store = new ClusterStore(dataDir);
        engine = switch (security) {
            case NONE -> IgniteEngine.local();
            case AUTHENTICATION -> IgniteEngine.local(new AdminSecretFiles(store::adminSecretFile, store::authenticationMarker));
            case AUTHENTICATION_AND_TLS -> IgniteEngine.local(new AdminSecretFiles(store::adminSecretFile, store::authenticationMarker,
                    store::tlsDirectory, store::tlsMarker, java.time.Clock.systemUTC(), true));
            case AUTHENTICATION_AND_CLIENT_TLS -> IgniteEngine.local(new AdminSecretFiles(store::adminSecretFile,
                    store::authenticationMarker, store::tlsDirectory, store::tlsMarker, java.time.Clock.systemUTC(), false));
        };
        runtime = new LocalRuntime(dataDir, ReleaseCatalog.fromSystemProperties(), "127.0.0.1", Duration.ofSeconds(20));
        region = new LocalRegion(store, runtime, engine, new RegionListener() {
            @Override
            public void stepTaken(String cluster, Step step) {
                stepTaken.put(step.reason(), System.nanoTime());
                BenchSupport.log("step %s: %s", step.reason(), step.message());
            }

            @Override
            public void failed(String cluster, String message) {
                failures.add(message);
                BenchSupport.log("reconcile failed: %s", message);
            }
        }, Clock.systemUTC(), PlannerPolicy.DEFAULTS, backups ? engine : null);
        region.start();
    }

    long apply(String name, DatabaseClusterSpec spec) {
        return store.apply(new ClusterManifest(name, spec), runtime.releases().available()).generation();
    }

    Optional<DatabaseClusterStatus> status(String name) {
        return store.get(name).map(StoredCluster::status);
    }

    @Override
    public void close() {
        // stops the reconcile loop, then every node this runtime started
        region.close();
    }
}

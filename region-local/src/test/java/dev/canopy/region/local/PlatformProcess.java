package dev.canopy.region.local;

import dev.canopy.core.PlannerPolicy;
import dev.canopy.core.Step;
import dev.canopy.engine.ignite.AdminSecretFiles;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.runtime.local.LocalRuntime;
import dev.canopy.runtime.local.NodeLifetime;
import dev.canopy.runtime.local.ReleaseCatalog;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The local platform in a JVM of its own, as {@code ./canopy up} runs it (nodes that outlive it), for
 * {@link PlatformKilledProcessesTest} to kill with -9. Prints each step it takes; runs until killed.
 */
public final class PlatformProcess {
    private PlatformProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(args[0]);
        LocalRuntime runtime = new LocalRuntime(dataDir, ReleaseCatalog.fromSystemProperties(), "127.0.0.1",
                Duration.ofSeconds(20), NodeLifetime.OUTLIVES_RUNTIME);
        ClusterStore store = new ClusterStore(dataDir);
        // authentication on, as ./canopy up runs its clusters
        IgniteEngine engine = IgniteEngine.local(new AdminSecretFiles(store::adminSecretFile, store::authenticationMarker, store::tlsDirectory, store::tlsMarker));
        LocalRegion region = new LocalRegion(store, runtime, engine, new RegionListener() {
            @Override
            public void stepTaken(String cluster, Step step) {
                System.out.printf("%tT step %s: %s%n", System.currentTimeMillis(), step.reason(), step.message());
            }
        }, Clock.systemUTC(), PlannerPolicy.DEFAULTS);
        region.start();
        Thread.currentThread().join();
    }
}

package dev.canopy.cli;

import dev.canopy.core.PlannerPolicy;
import dev.canopy.engine.ignite.AdminSecretFiles;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.region.local.ClusterStore;
import dev.canopy.region.local.LocalRegion;
import dev.canopy.region.local.RegionListener;
import dev.canopy.runtime.local.LocalRuntime;
import dev.canopy.runtime.local.NodeLifetime;
import dev.canopy.runtime.local.ReleaseCatalog;

import java.nio.file.Path;
import java.time.Clock;

/** Wires the local platform: the store, the runtime of local processes, the Ignite engine and the region loop. */
final class Platform {
    private Platform() {
    }

    static ClusterStore store(Path dataDir) {
        return new ClusterStore(dataDir);
    }

    static ReleaseCatalog releases() {
        return ReleaseCatalog.fromSystemProperties();
    }

    static LocalRegion localRegion(ClusterStore store, RegionListener listener) {
        // the data plane outlives the platform: killed, it finds its nodes serving when it comes back
        LocalRuntime runtime = new LocalRuntime(store.dataDir(), releases(), NodeLifetime.OUTLIVES_RUNTIME);
        // authentication on: the platform logs in with each cluster's admin secret, kept beside its record
        IgniteEngine engine = IgniteEngine.local(new AdminSecretFiles(store::adminSecretFile, store::authenticationMarker));
        // the engine's snapshots give the region its backups and restores
        return new LocalRegion(store, runtime, engine, listener, Clock.systemUTC(), PlannerPolicy.DEFAULTS, engine);
    }
}

package dev.canopy.cli;

import dev.canopy.core.PlannerPolicy;
import dev.canopy.engine.ignite.AdminSecretFiles;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.region.local.ClusterStore;
import dev.canopy.region.local.ClusterUsers;
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

    /** The runtime and the engine, shared by the region loop and the users the control plane manages. */
    record Parts(ClusterStore store, LocalRuntime runtime, IgniteEngine engine) {
    }

    static Parts parts(ClusterStore store) {
        // the data plane outlives the platform: killed, it finds its nodes serving when it comes back
        LocalRuntime runtime = new LocalRuntime(store.dataDir(), releases(), NodeLifetime.OUTLIVES_RUNTIME);
        // authentication on: the platform logs in with each cluster's admin secret, kept beside its record
        IgniteEngine engine = IgniteEngine.local(new AdminSecretFiles(store::adminSecretFile, store::authenticationMarker, store::tlsDirectory, store::tlsMarker));
        return new Parts(store, runtime, engine);
    }

    static LocalRegion localRegion(Parts parts, RegionListener listener) {
        // the engine's snapshots give the region its backups and restores
        return new LocalRegion(parts.store(), parts.runtime(), parts.engine(), listener, Clock.systemUTC(), PlannerPolicy.DEFAULTS,
                parts.engine());
    }

    static ClusterUsers users(Parts parts) {
        return new ClusterUsers(parts.store(), parts.runtime(), parts.engine(), Clock.systemUTC());
    }
}

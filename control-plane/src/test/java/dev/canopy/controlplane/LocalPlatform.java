package dev.canopy.controlplane;

import dev.canopy.controlplane.region.LocalClusterRegion;
import dev.canopy.engine.ignite.AdminSecretFiles;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.region.local.ClusterStore;
import dev.canopy.region.local.LocalRegion;
import dev.canopy.region.local.RegionListener;
import dev.canopy.runtime.local.LocalRuntime;
import dev.canopy.runtime.local.ReleaseCatalog;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The platform as it runs on one machine, for tests on real node processes: the local region, with authentication on
 * as the platform runs it, and a control plane in front of it; the API's base URL and the admin key it made.
 */
final class LocalPlatform implements AutoCloseable {
    final ClusterStore store;
    final LocalRegion region;
    final ControlPlane controlPlane;
    final String base;
    final String key;

    LocalPlatform(Path dataDir, Duration telemetryEvery) {
        ReleaseCatalog releases = ReleaseCatalog.fromSystemProperties();
        store = new ClusterStore(dataDir);
        LocalRuntime runtime = new LocalRuntime(dataDir, releases, "127.0.0.1", Duration.ofSeconds(20));
        IgniteEngine engine = IgniteEngine.local(new AdminSecretFiles(store::adminSecretFile, store::authenticationMarker,
                store::tlsDirectory, store::tlsMarker));
        region = new LocalRegion(store, runtime, engine, new RegionListener() { }, Clock.systemUTC());
        ControlPlane started = null;
        try {
            started = ControlPlane.start(new ControlPlane.Settings(dataDir, null, null, null, "127.0.0.1", 0),
                    List.of(new LocalClusterRegion(store, releases::available)), Clock.systemUTC(), telemetryEvery);
            region.start();
        } catch (RuntimeException e) {
            if (started != null) {
                started.close();
            }
            region.close();
            throw e;
        }
        controlPlane = started;
        base = "http://127.0.0.1:" + controlPlane.port() + "/api/v1";
        key = controlPlane.newAdminKey().orElseThrow();
    }

    @Override
    public void close() {
        // every node is stopped in the end, failed or not
        try {
            controlPlane.close();
        } finally {
            region.close();
        }
    }
}

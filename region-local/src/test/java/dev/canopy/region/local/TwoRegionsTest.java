package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.core.PlannerPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What tests of replication between two local regions share: regions {@code a} and {@code b} on real processes, each
 * knowing the other, stopped with every node after the test (a test that loses one on purpose sets it to null).
 */
abstract class TwoRegionsTest {
    @TempDir
    Path dataDir;
    RegionFixture a;
    RegionFixture b;

    @AfterEach
    void stopEverything() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    /** Both regions with the engine's authentication on, as the platform runs clusters. */
    void startRegions() {
        startRegions(true);
    }

    void startRegions(boolean authentication) {
        a = new RegionFixture(dataDir.resolve("a"), PlannerPolicy.DEFAULTS, false, Clock.systemUTC(), authentication);
        b = new RegionFixture(dataDir.resolve("b"), PlannerPolicy.DEFAULTS, false, Clock.systemUTC(), authentication);
        a.region.regions("a", Map.of("b", b.region));
        b.region.regions("b", Map.of("a", a.region));
    }

    /** The smallest cluster with both availability groups: an aggregator and a leaf per group. */
    static DatabaseClusterSpec spec() {
        return new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.25), new LeavesSpec(1, 0.5, 1, null), Map.of(), false);
    }
}

package dev.canopy.region.local;

import dev.canopy.core.PlannerPolicy;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Opens a test's {@link RegionFixture}s (authentication on, as the platform runs clusters) and closes every one after
 * the test, last opened first, even when the test failed half-way: register it with {@code @RegisterExtension}.
 * Closing one already closed by the test changes nothing.
 */
final class RegionFixtures implements AfterEachCallback {
    private final Deque<RegionFixture> open = new ArrayDeque<>();

    RegionFixture open(Path dataDir, PlannerPolicy policy) {
        return track(new RegionFixture(dataDir, policy));
    }

    RegionFixture open(Path dataDir, PlannerPolicy policy, boolean backups) {
        return track(new RegionFixture(dataDir, policy, backups));
    }

    /**
     * A region whose clusters run without the engine's authentication, unlike the platform's: only for a test that
     * does not pass with it yet (say why where it is called).
     */
    RegionFixture openWithoutAuthentication(Path dataDir, PlannerPolicy policy) {
        return track(new RegionFixture(dataDir, policy, false, Clock.systemUTC(), false));
    }

    private synchronized RegionFixture track(RegionFixture fixture) {
        open.push(fixture);
        return fixture;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }
}

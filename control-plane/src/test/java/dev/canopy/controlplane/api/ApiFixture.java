package dev.canopy.controlplane.api;

import dev.canopy.controlplane.ControlPlane;
import dev.canopy.controlplane.region.Region;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** A control plane on a free port with a real H2 store in a temporary directory, and the admin key it made. */
final class ApiFixture implements AutoCloseable {
    /** Short, so tests see samples soon. */
    static final Duration TELEMETRY_EVERY = Duration.ofMillis(100);
    final Path dataDir;
    final ControlPlane controlPlane;
    final ApiClient admin;

    ApiFixture(Region... regions) {
        this(newDataDir(), regions);
    }

    /** A control plane on the data directory of an earlier one (a restart) or a new one; the admin key is the file's. */
    ApiFixture(Path dataDir, Region... regions) {
        this.dataDir = dataDir;
        controlPlane = ControlPlane.start(new ControlPlane.Settings(dataDir, null, null, null, "127.0.0.1", 0),
                List.of(regions), Clock.systemUTC(), TELEMETRY_EVERY);
        try {
            admin = new ApiClient("http://127.0.0.1:" + controlPlane.port(),
                    Files.readString(controlPlane.adminKeyFile()).strip());
        } catch (IOException e) {
            controlPlane.close();
            throw new UncheckedIOException(e);
        }
    }

    private static Path newDataDir() {
        try {
            return Files.createTempDirectory("canopy-api-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ApiClient anonymous() {
        return admin.withKey(null);
    }

    /** What a Prometheus server is given: the scrape token of {@code /metrics}, from its file. */
    ApiClient scraper() {
        try {
            return admin.withKey(Files.readString(controlPlane.metricsTokenFile()).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        controlPlane.close();
    }
}

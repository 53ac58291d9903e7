package dev.canopy.controlplane;

import dev.canopy.controlplane.api.ApiServer;
import dev.canopy.controlplane.auth.Authenticator;
import dev.canopy.controlplane.auth.KeyRateLimits;
import dev.canopy.controlplane.audit.RefusedLogins;
import dev.canopy.controlplane.autoscaling.AutoscalingDuty;
import dev.canopy.controlplane.duties.DutyLease;
import dev.canopy.controlplane.auth.ScrapeToken;
import dev.canopy.controlplane.clusters.ClusterService;
import dev.canopy.controlplane.metrics.PlatformMetrics;
import dev.canopy.controlplane.organizations.OrganizationService;
import dev.canopy.controlplane.progress.ProgressWatcher;
import dev.canopy.controlplane.region.Region;
import dev.canopy.controlplane.region.RegionService;
import dev.canopy.controlplane.region.RegionStatusCache;
import dev.canopy.controlplane.region.Regions;
import dev.canopy.controlplane.secrets.SecretKeys;
import dev.canopy.controlplane.store.ControlPlaneStore;
import dev.canopy.controlplane.telemetry.EngineProbe;
import dev.canopy.controlplane.telemetry.IgniteEngineProbe;
import dev.canopy.controlplane.telemetry.TelemetryFollower;
import dev.canopy.controlplane.telemetry.TelemetryGauges;
import dev.canopy.controlplane.telemetry.TelemetryHistory;
import dev.canopy.controlplane.telemetry.TelemetryLog;
import dev.canopy.controlplane.telemetry.TelemetrySampler;
import dev.canopy.controlplane.telemetry.TelemetryWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The control plane of one platform: its store, its regions, and the API. On start it makes the platform
 * organization and, if that has no valid admin key, a new admin key, written to {@code <dataDir>/admin.key}
 * (readable by the owner only) and handed back to be shown once; {@code /metrics} takes that key or the scrape token
 * in {@code <dataDir>/metrics.token} (made on the first start, readable by the owner only). Clusters found in a region
 * without a record become the organization's their name in the region starts with ({@code acme-orders}: acme's orders, whose record was lost),
 * or else the platform organization's (the demo, or ones applied with the CLI).
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    public static final int DEFAULT_PORT = 8080;
    /** How often accepted changes and status changes are looked for in the regions. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    /**
     * How often a region that tells its changes is listed anyway (what it does not tell: a deleted cluster gone), and
     * how often one that does not is listed (a Kubernetes region: one call to its API server for all its clusters).
     */
    static final Duration REGION_LISTED_EVERY = Duration.ofSeconds(10);
    static final Duration REGION_POLLED_EVERY = Duration.ofSeconds(1);
    /** How long the background duties stay with a replica that stopped renewing: the takeover time after a crash. */
    static final Duration DUTY_LEASE = Duration.ofSeconds(6);
    /** How often each cluster is sampled by default; the history keeps the last 15 minutes of it. */
    public static final Duration TELEMETRY_EVERY = Duration.ofSeconds(5);
    private static final Duration TELEMETRY_KEPT = Duration.ofMinutes(15);
    /** How often each replica reads the samples written since it last read (at most: sampled more often, as often). */
    static final Duration TELEMETRY_READ_EVERY = Duration.ofSeconds(1);
    private static final int PROBE_TIMEOUT_SECONDS = 3;

    /** Where the database is (null URL: H2 under the data directory) and where the API listens. */
    public record Settings(Path dataDir, String dbUrl, String dbUser, String dbPassword, String host, int port,
                           int requestsPerSecondPerKey) {
        /** With the default limit of requests a key may make each second ({@link KeyRateLimits#DEFAULT_PER_SECOND}). */
        public Settings(Path dataDir, String dbUrl, String dbUser, String dbPassword, String host, int port) {
            this(dataDir, dbUrl, dbUser, dbPassword, host, port, KeyRateLimits.DEFAULT_PER_SECOND);
        }

        public String effectiveDbUrl() {
            return dbUrl == null || dbUrl.isBlank() ? ControlPlaneStore.defaultUrl(dataDir) : dbUrl;
        }
    }

    private final ControlPlaneStore store;
    private final ProgressWatcher watcher;
    private final DutyLease lease;
    private final TelemetrySampler sampler;
    private final TelemetryWriter telemetryWriter;
    private final TelemetryFollower telemetryFollower;
    private final ClusterService clusters;
    private final RegionStatusCache statuses;
    private final RegionService regionService;
    private final ApiServer server;
    private final Optional<OrganizationService.NewKey> newAdminKey;
    private final Path adminKeyFile;
    private final Path metricsTokenFile;

    private ControlPlane(ControlPlaneStore store, ProgressWatcher watcher, DutyLease lease, TelemetrySampler sampler,
                         TelemetryWriter telemetryWriter, TelemetryFollower telemetryFollower, ClusterService clusters,
                         RegionStatusCache statuses, RegionService regionService, ApiServer server,
                         Optional<OrganizationService.NewKey> newAdminKey, Path adminKeyFile, Path metricsTokenFile) {
        this.store = store;
        this.watcher = watcher;
        this.lease = lease;
        this.sampler = sampler;
        this.telemetryWriter = telemetryWriter;
        this.telemetryFollower = telemetryFollower;
        this.clusters = clusters;
        this.statuses = statuses;
        this.regionService = regionService;
        this.server = server;
        this.newAdminKey = newAdminKey;
        this.adminKeyFile = adminKeyFile;
        this.metricsTokenFile = metricsTokenFile;
    }

    public static ControlPlane start(Settings settings, List<Region> regionList, Clock clock) {
        return start(settings, regionList, clock, TELEMETRY_EVERY);
    }

    /** As {@link #start(Settings, List, Clock)}, sampling every cluster's telemetry every {@code telemetryEvery}. */
    public static ControlPlane start(Settings settings, List<Region> regionList, Clock clock, Duration telemetryEvery) {
        return start(settings, regionList, clock, telemetryEvery, new IgniteEngineProbe(PROBE_TIMEOUT_SECONDS));
    }

    /** As {@link #start(Settings, List, Clock, Duration)}, asking the clusters' engines through {@code probe}. */
    static ControlPlane start(Settings settings, List<Region> regionList, Clock clock, Duration telemetryEvery, EngineProbe probe) {
        ControlPlaneStore store = ControlPlaneStore.open(settings.effectiveDbUrl(), settings.dbUser(), settings.dbPassword(),
                SecretKeys.load(settings.dataDir(), System.getenv()));
        RegionService regionService = null;
        RegionStatusCache statuses = null;
        DutyLease lease = null;
        TelemetryFollower follower = null;
        try {
            Regions regions = new Regions(regionList);
            OrganizationService organizations = new OrganizationService(store, clock);
            statuses = new RegionStatusCache(regions, clock, REGION_LISTED_EVERY, REGION_POLLED_EVERY).start();
            ClusterService clusters = new ClusterService(store, regions, clock, statuses);
            regionService = new RegionService(store, regions, clock, RegionService.openKubernetes(regions));

            Optional<OrganizationService.NewKey> adminKey = organizations.bootstrap();
            Path keyFile = settings.dataDir().resolve("admin.key");
            adminKey.ifPresent(key -> {
                writeOwnerOnly(keyFile, key.secret() + "\n");
                LOG.info("new admin key of organization {} written to {}", OrganizationService.PLATFORM, keyFile);
            });
            Path tokenFile = settings.dataDir().resolve("metrics.token");
            ScrapeToken scrapeToken = scrapeToken(tokenFile);
            // only the built-in regions: a registered one may not answer now, and what stands in its namespace
            // beside the control plane's resources is not the platform's to take
            for (Region region : regionList) {
                clusters.adoptUnowned(OrganizationService.PLATFORM, region);
            }
            regionService.restore();
            PlatformMetrics metrics = new PlatformMetrics(clusters::phaseCounts);
            store.bindMetrics(metrics.registry());
            TelemetryHistory history = new TelemetryHistory(
                    (int) Math.max(1, TELEMETRY_KEPT.toMillis() / Math.max(1, telemetryEvery.toMillis())));
            metrics.beforeScrape(new TelemetryGauges(history, metrics.registry())::refresh);
            TelemetryLog telemetryLog = new TelemetryLog(store);
            follower = new TelemetryFollower(telemetryLog, history)
                    .start(telemetryEvery.compareTo(TELEMETRY_READ_EVERY) < 0 ? telemetryEvery : TELEMETRY_READ_EVERY);
            ApiServer server = new ApiServer(clusters, organizations, new Authenticator(store),
                    new KeyRateLimits(settings.requestsPerSecondPerKey()), scrapeToken, regionService,
                    metrics, history, telemetryEvery).start(settings.host(), settings.port());
            lease = new DutyLease(store, replicaName(), DUTY_LEASE, clock).start();
            metrics.duties(lease::held);
            ProgressWatcher watcher = new ProgressWatcher(store, regions, clock, lease::held).start(PROGRESS_EVERY);
            // only the holder samples, into the store; every replica's history, the holder's too, is read from there
            TelemetryWriter writer = new TelemetryWriter(telemetryLog, clock, TELEMETRY_KEPT, lease::held).start(telemetryEvery);
            TelemetrySampler sampler = new TelemetrySampler(clusters::telemetryTargets, probe, history,
                    writer.andThen(new RefusedLogins(store)).andThen(new AutoscalingDuty(clusters, lease::heldSince)), clock,
                    lease::held).start(telemetryEvery);
            return new ControlPlane(store, watcher, lease, sampler, writer, follower, clusters, statuses, regionService, server,
                    adminKey, keyFile, tokenFile);
        } catch (RuntimeException e) {
            if (regionService != null) {
                regionService.closeAll();
            }
            if (statuses != null) {
                statuses.close();
            }
            if (lease != null) {
                lease.close();
            }
            if (follower != null) {
                follower.close();
            }
            store.close();
            throw e;
        }
    }

    /** This replica's name in the duty lease: the machine, the process and a random part (a restarted process is another). */
    private static String replicaName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** Whether this replica does the background duties now (see {@link DutyLease}). */
    public boolean doesBackgroundDuties() {
        return lease.held();
    }

    /** The admin key made by this start, if it made one: to show once. */
    public Optional<String> newAdminKey() {
        return newAdminKey.map(OrganizationService.NewKey::secret);
    }

    public Path adminKeyFile() {
        return adminKeyFile;
    }

    /** The token a Prometheus server sends to read {@code /metrics}. */
    public Path metricsTokenFile() {
        return metricsTokenFile;
    }

    public int port() {
        return server.port();
    }

    public ClusterService clusters() {
        return clusters;
    }

    /** The API's routes as "METHOD /path". */
    public List<String> routes() {
        return server.routes();
    }

    /** The token in the file, or a new one written there when the file is missing or holds none. */
    private static ScrapeToken scrapeToken(Path file) {
        try {
            String kept = Files.exists(file) ? Files.readString(file).strip() : "";
            if (!kept.isEmpty()) {
                return ScrapeToken.of(kept);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the scrape token in " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + ": " + e.getMessage() + "; remove the file to have a new one made", e);
        }
        String token = ScrapeToken.generate();
        writeOwnerOnly(file, token + "\n");
        LOG.info("new scrape token for /metrics written to {}", file);
        return ScrapeToken.of(token);
    }

    private static void writeOwnerOnly(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            // created with owner-only permissions, so the secret is never readable by others, not even for a moment
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void close() {
        server.close();
        sampler.close();
        // before the lease is given up: the samples taken are written while this replica still holds the duties
        telemetryWriter.close();
        telemetryFollower.close();
        watcher.close();
        lease.close();
        statuses.close();
        regionService.closeAll();
        store.close();
    }
}

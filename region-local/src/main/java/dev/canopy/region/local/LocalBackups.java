package dev.canopy.region.local;

import dev.canopy.api.BackupDestinationSpec;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.Phase;
import dev.canopy.api.RestoreSource;
import dev.canopy.backup.BackupIds;
import dev.canopy.backup.BackupRecord;
import dev.canopy.backup.BackupState;
import dev.canopy.backup.BackupTaker;
import dev.canopy.backup.BackupTopology;
import dev.canopy.backup.Destination;
import dev.canopy.backup.DirectoryDestination;
import dev.canopy.backup.Restorer;
import dev.canopy.backup.Retention;
import dev.canopy.backup.Schedule;
import dev.canopy.core.Causes;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.Snapshots;
import dev.canopy.core.Topology;
import dev.canopy.runtime.local.LocalRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The local region's backups and restores, on a thread of their own so that a long copy never holds up the
 * reconciler. Under the data directory: {@code backups/} (the default destination), {@code backup-records/} (the
 * record of every backup this region ran, kept even when the destination could not take it), {@code backup-staging/}
 * (snapshots on their way out, backups on their way in); see {@link RegionBackups} for the rest.
 */
public final class LocalBackups implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalBackups.class);
    static final long PASS_MS = 1_000;

    private final ClusterStore store;
    private final LocalRuntime runtime;
    private final Clock clock;
    private final Path dataDir;
    private final RegionBackups access;
    private final DirectoryDestination catalog;
    private final BackupTaker taker;
    private final Restorer restorer;
    private final Set<String> restoring = ConcurrentHashMap.newKeySet();
    private final Map<String, BackupRecord> lastFinished = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "canopy-local-backups"));

    public LocalBackups(ClusterStore store, LocalRuntime runtime, Snapshots snapshots, Clock clock) {
        this.store = store;
        this.runtime = runtime;
        this.clock = clock;
        this.dataDir = store.dataDir();
        this.access = new RegionBackups(store);
        this.catalog = access.catalog();
        Path staging = dataDir.resolve("backup-staging");
        this.taker = new BackupTaker(snapshots, staging, clock);
        this.restorer = new Restorer(snapshots, staging);
        for (BackupRecord record : catalog.records()) {
            rememberIfLast(record);
        }
    }

    void start() {
        // a backup this region was running when it stopped will not finish: say so rather than leave it InProgress
        for (BackupRecord record : catalog.records()) {
            if (record.state() == BackupState.InProgress) {
                record(record.failed(clock.instant(), "the platform stopped while the backup ran"));
            }
        }
        worker.scheduleWithFixedDelay(this::passSafely, PASS_MS, PASS_MS, TimeUnit.MILLISECONDS);
    }

    /** Takes a backup now, on the caller's thread; a backup that cannot be taken is a Failed record saying why. */
    public synchronized BackupRecord backup(String cluster) {
        StoredCluster stored = store.get(cluster).orElseThrow(() -> new IllegalArgumentException("no cluster " + cluster));
        BackupDestinationSpec location = stored.spec().backup() == null ? null : stored.spec().backup().destination();
        Instant now = clock.instant();
        String id = BackupIds.of(cluster, now);
        // two backups within a second (one asked for, one scheduled) get distinct ids
        for (int n = 2; catalog.record(id).isPresent(); n++) {
            id = BackupIds.of(cluster, now) + "-" + n;
        }
        Destination destination;
        try {
            destination = destination(location);
        } catch (RuntimeException e) {
            return record(BackupRecord.started(id, cluster, now, stored.spec().release(), BackupTopology.of(stored.spec()), "?")
                    .at(location).failed(now, e.getMessage()));
        }
        Optional<String> notReady = notReady(stored);
        if (notReady.isPresent()) {
            destination.close();
            return record(BackupRecord.started(id, cluster, now, stored.spec().release(), BackupTopology.of(stored.spec()),
                    destination.describe()).at(location).failed(now, notReady.get()));
        }
        try (destination) {
            catalog.putRecord(BackupRecord.started(id, cluster, now, stored.spec().release(), BackupTopology.of(stored.spec()),
                    destination.describe()).at(location));
            BackupRecord record = record(taker.take(topology(stored), destination, id).at(location));
            applyRetention(stored);
            return record;
        }
    }

    /** Every backup of the cluster this region ran, oldest first. */
    public List<BackupRecord> records(String cluster) {
        return access.records(cluster);
    }

    /** See {@link RegionBackups#check}. */
    public BackupRecord checkRestore(RestoreSource source, DatabaseClusterSpec spec) {
        return access.check(source, spec);
    }

    Destination destination(BackupDestinationSpec spec) {
        return access.destination(spec);
    }

    /** The restore's state of the cluster, seen by the reconciler's pass: the restore starts once every node is up. */
    DatabaseClusterStatus observed(String cluster, DatabaseClusterStatus raw, DatabaseClusterStatus previous) {
        Optional<RestoreState> restore = store.restore(cluster);
        if (restore.isPresent() && restore.get().stage() == RestoreState.Stage.Pending && raw != null && raw.phase() == Phase.Ready
                && restoring.add(cluster)) {
            worker.execute(() -> restore(cluster));
        }
        // from memory: this pass runs every second while a cluster changes, and the catalog is a file per backup
        return BackupStatus.adjust(raw, previous, restore, Optional.ofNullable(lastFinished.get(cluster)), clock.instant());
    }

    private void restore(String cluster) {
        try {
            RestoreState state = store.restore(cluster).orElseThrow();
            StoredCluster stored = store.get(cluster).orElseThrow();
            store.writeRestore(cluster, state.to(RestoreState.Stage.Restoring, null));
            long started = System.nanoTime();
            try {
                BackupRecord record = checkRestore(state.source(), stored.spec());
                try (Destination from = destination(state.source().destination())) {
                    restorer.restore(topology(stored), from, record);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                String done = String.format(java.util.Locale.ROOT, "backup %s restored in %.1f s (%d bytes, %.1f MB/s); rows per table as recorded: %s",
                        record.id(), seconds, record.sizeBytes(), record.sizeBytes() / 1e6 / seconds, record.tableRows());
                LOG.info("{}: {}", cluster, done);
                store.writeRestore(cluster, state.to(RestoreState.Stage.Restored, done));
            } catch (RuntimeException e) {
                String why = e instanceof InvalidSpecException invalid ? String.join("; ", invalid.problems()) : reason(e);
                LOG.warn("{}: restoring backup {} failed: {}", cluster, state.source().backup(), why);
                store.writeRestore(cluster, state.to(RestoreState.Stage.Failed, why));
            }
        } finally {
            restoring.remove(cluster);
        }
    }

    private void passSafely() {
        try {
            pass();
        } catch (RuntimeException e) {
            LOG.warn("backup pass failed: {}", e.getMessage(), e);
        }
    }

    /** Backups asked for, and those the schedules make due (a scheduled one waits while the cluster is not Ready). */
    void pass() {
        for (StoredCluster cluster : store.list()) {
            if (cluster.deleting()) {
                continue;
            }
            if (store.backupRequested(cluster.name())) {
                store.clearBackupRequest(cluster.name());
                backup(cluster.name());
                continue;
            }
            BackupSpec spec = cluster.spec().backup();
            if (spec == null || spec.schedule() == null || notReady(cluster).isPresent()) {
                continue;
            }
            Optional<Instant> last = records(cluster.name()).stream().map(BackupRecord::createdAt).max(Comparator.naturalOrder());
            if (Schedule.due(spec.schedule(), last, clock.instant())) {
                backup(cluster.name());
            }
        }
    }

    /** Each expired backup is deleted where it went, which need not be where the spec sends backups now. */
    private void applyRetention(StoredCluster cluster) {
        int keep = cluster.spec().backup() == null ? BackupSpec.DEFAULT_RETENTION : cluster.spec().backup().retentionOrDefault();
        for (BackupRecord expired : Retention.expired(records(cluster.name()), keep)) {
            try (Destination destination = destination(expired.location())) {
                try {
                    destination.delete(expired.id());
                } catch (RuntimeException e) {
                    // a failed backup left nothing behind that counts (its files were deleted when it failed): its
                    // record goes even where its destination no longer answers; a good one's is kept until its files go
                    if (expired.isGood()) {
                        throw e;
                    }
                }
                catalog.delete(expired.id());
                LOG.info("{}: backup {} deleted (retention keeps the {} newest good ones)", cluster.name(), expired.id(), keep);
            } catch (RuntimeException e) {
                LOG.warn("{}: could not delete expired backup {}: {}", cluster.name(), expired.id(), reason(e));
            }
        }
    }

    private static Optional<String> notReady(StoredCluster cluster) {
        DatabaseClusterStatus status = cluster.status();
        if (status == null || status.phase() != Phase.Ready) {
            String leaves = status == null || status.leaves() == null ? "" : " (" + status.leaves().ready() + " of " + status.leaves().total() + " leaves ready)";
            return Optional.of("the cluster is " + (status == null ? "not yet observed" : status.phase())
                    + leaves + ": a backup needs a Ready cluster, every leaf up");
        }
        return Optional.empty();
    }

    private BackupRecord record(BackupRecord record) {
        catalog.putRecord(record);
        rememberIfLast(record);
        return record;
    }

    /** Every record is written through this region, so the last finished one of each cluster can be kept in memory. */
    private void rememberIfLast(BackupRecord record) {
        if (record.finishedAt() != null) {
            lastFinished.merge(record.cluster(), record,
                    (known, candidate) -> candidate.finishedAt().isBefore(known.finishedAt()) ? known : candidate);
        }
    }

    private Topology topology(StoredCluster cluster) {
        // named after the cluster (its backup records are), placed where its nodes run (after a blue/green upgrade, the
        // other deployment)
        String deployment = store.deployment(cluster.name());
        return new Topology(cluster.name(), cluster.spec(), runtime.place(deployment, DesiredNodes.all(cluster.spec())));
    }

    private static String reason(RuntimeException e) {
        return e.getMessage() != null && (e instanceof IllegalStateException || e instanceof UncheckedIOException) ? e.getMessage() : Causes.rootMessage(e);
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}

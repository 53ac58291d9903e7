package dev.canopy.region.local;

import dev.canopy.backup.BackupStatus;
import dev.canopy.backup.BackupWorker;
import dev.canopy.backup.RestoreState;
import dev.canopy.api.BackupDestinationSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.api.RestoreSource;
import dev.canopy.backup.ClusterBackups;
import dev.canopy.backup.BackupRecord;
import dev.canopy.backup.BackupState;
import dev.canopy.backup.BackupTaker;
import dev.canopy.backup.Destination;
import dev.canopy.backup.DirectoryDestination;
import dev.canopy.backup.Restorer;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.Snapshots;
import dev.canopy.core.Topology;
import dev.canopy.runtime.local.LocalRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
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
    private final ClusterBackups backups;
    private final Set<String> restoring = ConcurrentHashMap.newKeySet();
    private final Map<String, BackupRecord> lastFinished = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("canopy-local-backups").factory());

    public LocalBackups(ClusterStore store, LocalRuntime runtime, Snapshots snapshots, Clock clock) {
        this.store = store;
        this.runtime = runtime;
        this.clock = clock;
        this.dataDir = store.dataDir();
        this.access = new RegionBackups(store);
        this.catalog = access.catalog();
        Path staging = dataDir.resolve("backup-staging");
        this.backups = new ClusterBackups(catalog, access::destination, new BackupTaker(snapshots, staging, clock),
                new Restorer(snapshots, staging), clock, this::rememberIfLast);
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
        if (stored.damaged()) {
            throw new IllegalStateException("cluster " + cluster + " cannot be backed up: " + stored.damage());
        }
        return backups.backup(cluster, stored.spec(), stored.status(), () -> topology(stored));
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
            try {
                String done = backups.restore(cluster, state.source(), stored.spec(), topology(stored));
                store.writeRestore(cluster, state.to(RestoreState.Stage.Restored, done));
            } catch (RuntimeException e) {
                String why = ClusterBackups.reason(e);
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
            // a damaged record's spec (its schedule) is unknown: a backup asked for waits until it is repaired
            if (cluster.deleting() || cluster.damaged()) {
                continue;
            }
            if (store.backupRequested(cluster.name())) {
                store.clearBackupRequest(cluster.name());
                backup(cluster.name());
                continue;
            }
            if (backups.scheduledDue(cluster.name(), cluster.spec(), cluster.status())) {
                backup(cluster.name());
            }
        }
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


    @Override
    public void close() {
        BackupWorker.stop(worker);
    }

}

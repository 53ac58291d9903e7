package dev.canopy.backup;

import dev.canopy.api.BackupDestinationSpec;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.Phase;
import dev.canopy.api.RestoreSource;
import dev.canopy.core.Causes;
import dev.canopy.core.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A region's backups of its clusters, the same in every region: a backup asked for or due is taken (a Failed record
 * saying why when it cannot be), its record kept in the region's catalog, expired backups deleted where they went; a
 * restore into a new cluster is checked against the backup and run. How records are kept, how a destination opens
 * (and finds its secret) and how the nodes' snapshots reach this process are the region's.
 */
public final class ClusterBackups {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterBackups.class);

    private final RecordCatalog catalog;
    private final Function<BackupDestinationSpec, Destination> destinations;
    private final BackupTaker taker;
    private final Restorer restorer;
    private final Clock clock;
    private final Consumer<BackupRecord> recorded;

    /**
     * @param destinations opens the destination a spec names (null: the region's default); throws saying why it cannot
     * @param recorded     told of every record written to the catalog
     */
    public ClusterBackups(RecordCatalog catalog, Function<BackupDestinationSpec, Destination> destinations, BackupTaker taker,
                          Restorer restorer, Clock clock, Consumer<BackupRecord> recorded) {
        this.catalog = catalog;
        this.destinations = destinations;
        this.taker = taker;
        this.restorer = restorer;
        this.clock = clock;
        this.recorded = recorded;
    }

    /** Every backup of the cluster this region ran, oldest first, the failed ones included. */
    public List<BackupRecord> records(String cluster) {
        return records(catalog, cluster);
    }

    /** Every backup of the cluster the catalog holds, oldest first, the failed ones included. */
    public static List<BackupRecord> records(RecordCatalog catalog, String cluster) {
        return catalog.records().stream().filter(r -> r.cluster().equals(cluster)).sorted(Records.OLDEST_FIRST).toList();
    }

    /**
     * Takes a backup now, on the caller's thread, and applies retention; never throws: a backup that cannot be taken is
     * a Failed record saying why.
     *
     * @param topology where the cluster's nodes are, asked only once the backup can start
     */
    public BackupRecord backup(String cluster, DatabaseClusterSpec spec, DatabaseClusterStatus status, Supplier<Topology> topology) {
        BackupDestinationSpec location = spec.backup() == null ? null : spec.backup().destination();
        Instant now = clock.instant();
        String id = BackupIds.of(cluster, now);
        // two backups within a second (one asked for, one scheduled) get distinct ids: the random part differs
        while (catalog.record(id).isPresent()) {
            id = BackupIds.of(cluster, now);
        }
        Destination destination;
        try {
            destination = destinations.apply(location);
        } catch (RuntimeException e) {
            return record(BackupRecord.started(id, cluster, now, spec.release(), BackupTopology.of(spec), "?")
                    .at(location).failed(now, reason(e)));
        }
        Optional<String> notReady = notReady(status);
        if (notReady.isPresent()) {
            destination.close();
            return record(BackupRecord.started(id, cluster, now, spec.release(), BackupTopology.of(spec),
                    destination.describe()).at(location).failed(now, notReady.get()));
        }
        BackupRecord record;
        try (destination) {
            record(BackupRecord.started(id, cluster, now, spec.release(), BackupTopology.of(spec), destination.describe()).at(location));
            Topology nodes;
            try {
                nodes = topology.get();
            } catch (RuntimeException e) {
                return record(BackupRecord.started(id, cluster, now, spec.release(), BackupTopology.of(spec),
                        destination.describe()).at(location).failed(clock.instant(), reason(e)));
            }
            record = record(taker.take(nodes, destination, id).at(location));
        }
        applyRetention(cluster, spec);
        return record;
    }

    /** Whether the spec's schedule makes a backup due now; a scheduled one waits while the cluster is not Ready. */
    public boolean scheduledDue(String cluster, DatabaseClusterSpec spec, DatabaseClusterStatus status) {
        return scheduledDue(records(cluster), spec, status, clock.instant());
    }

    /**
     * The same from the cluster's records alone: nothing to open (a region's pass asks it of every cluster, every few
     * seconds, and takes a backup only when it says so).
     */
    public static boolean scheduledDue(List<BackupRecord> records, DatabaseClusterSpec spec, DatabaseClusterStatus status,
                                       Instant now) {
        BackupSpec backup = spec.backup();
        if (backup == null || backup.schedule() == null || notReady(status).isPresent()) {
            return false;
        }
        Optional<Instant> last = records.stream().map(BackupRecord::createdAt).max(Comparator.naturalOrder());
        return Schedule.due(backup.schedule(), last, now);
    }

    /** Each expired backup is deleted where it went, which need not be where the spec sends backups now. */
    public void applyRetention(String cluster, DatabaseClusterSpec spec) {
        int keep = spec.backup() == null ? BackupSpec.DEFAULT_RETENTION : spec.backup().retentionOrDefault();
        for (BackupRecord expired : Retention.expired(records(cluster), keep)) {
            try (Destination destination = destinations.apply(expired.location())) {
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
                LOG.info("{}: backup {} deleted (retention keeps the {} newest good ones)", cluster, expired.id(), keep);
            } catch (RuntimeException e) {
                LOG.warn("{}: could not delete expired backup {}: {}", cluster, expired.id(), reason(e));
            }
        }
    }

    /**
     * Restores the backup into the cluster, which must be running and hold none of its tables.
     *
     * @return what was restored, for the log and the status
     * @throws InvalidSpecException when the backup cannot be restored into this spec; another exception when the restore failed
     */
    public String restore(String cluster, RestoreSource source, DatabaseClusterSpec spec, Topology topology) {
        long started = System.nanoTime();
        BackupRecord record = check(source, spec, destinations);
        try (Destination from = destinations.apply(source.destination())) {
            restorer.restore(topology, from, record);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String done = String.format(Locale.ROOT, "backup %s restored in %.1f s (%d bytes, %.1f MB/s); rows per table as recorded: %s",
                record.id(), seconds, record.sizeBytes(), record.sizeBytes() / 1e6 / seconds, record.tableRows());
        LOG.info("{}: {}", cluster, done);
        return done;
    }

    /** Refuses, naming {@code restoreFrom}, a backup that is missing, not good, of another release, or too big for the spec. */
    public static BackupRecord check(RestoreSource source, DatabaseClusterSpec spec, Function<BackupDestinationSpec, Destination> destinations) {
        if (source == null || source.backup() == null || source.backup().isBlank()) {
            throw new InvalidSpecException(List.of("restoreFrom.backup: is required"));
        }
        Destination from;
        try {
            from = destinations.apply(source.destination());
        } catch (RuntimeException e) {
            throw new InvalidSpecException(List.of("restoreFrom.destination: " + e.getMessage()));
        }
        BackupRecord record;
        try (from) {
            record = from.record(source.backup()).orElseThrow(() -> new InvalidSpecException(List.of(
                    "restoreFrom.backup: no backup " + source.backup() + " in " + from.describe())));
        } catch (InvalidSpecException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidSpecException(List.of("restoreFrom.destination: " + e.getMessage()));
        }
        if (!record.release().equals(spec.release())) {
            throw new InvalidSpecException(List.of("spec.release: backup " + record.id() + " was taken at release " + record.release()
                    + "; restore it at that release, then upgrade"));
        }
        RestoreFit.problem(record, spec).ifPresent(problem -> {
            throw new InvalidSpecException(List.of("restoreFrom.backup: " + problem));
        });
        return record;
    }

    /** Why a backup cannot be taken now: one needs a Ready cluster, every leaf up. */
    public static Optional<String> notReady(DatabaseClusterStatus status) {
        if (status == null || status.phase() != Phase.Ready) {
            String leaves = status == null || status.leaves() == null ? "" : " (" + status.leaves().ready() + " of " + status.leaves().total() + " leaves ready)";
            return Optional.of("the cluster is " + (status == null ? "not yet observed" : status.phase())
                    + leaves + ": a backup needs a Ready cluster, every leaf up");
        }
        return Optional.empty();
    }

    /** Our own messages already say what failed where; anything else is named by its root cause. */
    public static String reason(RuntimeException e) {
        if (e instanceof InvalidSpecException invalid) {
            return String.join("; ", invalid.problems());
        }
        return e.getMessage() != null && (e instanceof IllegalStateException || e instanceof UncheckedIOException) ? e.getMessage() : Causes.rootMessage(e);
    }

    private BackupRecord record(BackupRecord record) {
        catalog.putRecord(record);
        recorded.accept(record);
        return record;
    }
}

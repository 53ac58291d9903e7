package dev.canopy.backup;

import dev.canopy.core.Causes;
import dev.canopy.core.Snapshots;
import dev.canopy.core.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Takes one backup: the engine's snapshot into a staging directory, its files to the destination, then the record.
 * The record says InProgress first and Succeeded only once every file is in place; any failure on the way leaves a
 * Failed record (where the destination still takes one) and none of the files.
 */
public final class BackupTaker {
    private static final Logger LOG = LoggerFactory.getLogger(BackupTaker.class);

    private final Snapshots snapshots;
    private final Path staging;
    private final Clock clock;

    /** @param staging a directory every leaf can write to, where snapshots are taken before they are copied out */
    public BackupTaker(Snapshots snapshots, Path staging, Clock clock) {
        this.snapshots = snapshots;
        this.staging = staging;
        this.clock = clock;
    }

    /** Never throws: a backup that could not be taken is a Failed record with the reason. */
    public BackupRecord take(Topology topology, Destination destination, String id) {
        BackupRecord record = BackupRecord.started(id, topology.cluster(), clock.instant(), topology.spec().release(),
                BackupTopology.of(topology.spec()), destination.describe());
        Path directory = staging.resolve(id);
        try {
            destination.putRecord(record);
            requireEveryLeaf(topology, "is down: a backup needs every leaf of the cluster");
            Map<String, Long> before = snapshots.tableRows(topology);
            snapshots.create(topology, record.snapshot(), directory);
            List<String> missing = snapshots.missingParts(topology, record.snapshot(), directory);
            if (!missing.isEmpty()) {
                throw new IllegalStateException("snapshot " + record.snapshot() + " has no part from " + String.join(", ", missing)
                        + " (away during the snapshot): a backup needs every leaf's part");
            }
            // Ignite completes a snapshot without a baseline leaf that left: its part would be missing
            requireEveryLeaf(topology, "left during the snapshot: its part of the data may be missing");
            Map<String, Long> after = snapshots.tableRows(topology);
            long bytes = destination.upload(id, directory);
            BackupRecord done = record.succeeded(clock.instant(), bytes, before, after);
            destination.putRecord(done);
            LOG.info("{}: backup {} succeeded: {} bytes in {} ms to {}", topology.cluster(), id, bytes, done.durationMs(), destination.describe());
            return done;
        } catch (RuntimeException e) {
            BackupRecord failed = record.failed(clock.instant(), reason(e));
            LOG.warn("{}: backup {} failed: {}", topology.cluster(), id, failed.reason());
            bestEffort(() -> destination.delete(id), "delete the files of failed backup " + id);
            bestEffort(() -> destination.putRecord(failed), "record failed backup " + id);
            return failed;
        } finally {
            DirectoryDestination.deleteTree(directory);
        }
    }

    private void requireEveryLeaf(Topology topology, String problem) {
        java.util.Set<String> offline = snapshots.offlineLeaves(topology);
        if (!offline.isEmpty()) {
            throw new IllegalStateException(String.join(", ", offline) + " " + problem);
        }
    }

    /** Our own messages already say what failed where; anything else is named by its root cause. */
    static String reason(RuntimeException e) {
        if ((e instanceof IllegalStateException || e instanceof UncheckedIOException) && e.getMessage() != null) {
            return e.getMessage();
        }
        return Causes.rootMessage(e);
    }

    private static void bestEffort(Runnable action, String what) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.debug("could not {}: {}", what, Causes.rootMessage(e));
        }
    }
}

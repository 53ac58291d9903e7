package dev.canopy.backup;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.canopy.api.BackupDestinationSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One backup of one cluster: what was copied (size, rows per table), from what (release, topology), where to, and
 * how it ended. {@code snapshot} is the engine's name for the copy, which a restore asks for.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupRecord(
        String id,
        String cluster,
        String snapshot,
        Instant createdAt,
        Instant finishedAt,
        long sizeBytes,
        long durationMs,
        String release,
        BackupTopology topology,
        Map<String, Long> tableRows,
        Map<String, Long> tableRowsAfter,
        String destination,
        BackupDestinationSpec location,
        BackupState state,
        String reason) {

    public BackupRecord {
        tableRows = tableRows == null ? Map.of() : new TreeMap<>(tableRows);
        tableRowsAfter = tableRowsAfter == null ? null : new TreeMap<>(tableRowsAfter);
    }

    public static BackupRecord started(String id, String cluster, Instant now, String release, BackupTopology topology, String destination) {
        // Ignite takes snapshot names of letters, digits and '_' only
        return new BackupRecord(id, cluster, id.replaceAll("[^A-Za-z0-9_]", "_"), now, null, 0, 0, release, topology, Map.of(), null, destination, null, BackupState.InProgress, null);
    }

    /**
     * @param rowsBefore rows per table counted just before the snapshot
     * @param rowsAfter just after it: kept only when different, i.e. when the cluster was written meanwhile and the
     *                  snapshot's own count lies between the two
     */
    public BackupRecord succeeded(Instant now, long bytes, Map<String, Long> rowsBefore, Map<String, Long> rowsAfter) {
        return new BackupRecord(id, cluster, snapshot, createdAt, now, bytes, Duration.between(createdAt, now).toMillis(), release,
                topology, rowsBefore, rowsBefore.equals(rowsAfter) ? null : rowsAfter, destination, location, BackupState.Succeeded, null);
    }

    public BackupRecord failed(Instant now, String why) {
        return new BackupRecord(id, cluster, snapshot, createdAt, now, sizeBytes, Duration.between(createdAt, now).toMillis(), release,
                topology, tableRows, tableRowsAfter, destination, location, BackupState.Failed, why);
    }

    /** Where the backup went, as the spec named it (null: the region's default directory), so retention finds it later. */
    public BackupRecord at(BackupDestinationSpec where) {
        return new BackupRecord(id, cluster, snapshot, createdAt, finishedAt, sizeBytes, durationMs, release, topology, tableRows,
                tableRowsAfter, destination, where, state, reason);
    }

    @JsonIgnore
    public boolean isGood() {
        return state == BackupState.Succeeded;
    }
}

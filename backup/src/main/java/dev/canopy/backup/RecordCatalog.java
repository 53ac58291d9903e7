package dev.canopy.backup;

import java.util.List;
import java.util.Optional;

/**
 * Where backup records are kept: every destination keeps the records of its backups, and each region keeps its own
 * catalog of every backup it ran (a failed one included, where the destination could not take its record).
 */
public interface RecordCatalog {

    /** Writes (or overwrites) the backup's record. */
    void putRecord(BackupRecord record);

    Optional<BackupRecord> record(String id);

    /** Every record, oldest first. */
    List<BackupRecord> records();

    /** Removes the backup's record (a destination: its files too); nothing happens for an id it does not have. */
    void delete(String id);
}

package dev.canopy.backup;

import java.nio.file.Path;

/**
 * Where backups are kept: each backup's files under its id, with its record beside them. A record says Succeeded
 * only when the files were all written before it, so a reader that finds a good record finds every file.
 */
public interface Destination extends RecordCatalog, AutoCloseable {

    /** For people and records: {@code directory /path} or {@code s3://bucket/prefix at endpoint}. */
    String describe();

    /** Copies every file under {@code directory} into the backup, keeping their relative paths. Returns the bytes copied. */
    long upload(String id, Path directory);

    /** Copies every file of the backup into {@code directory}, at the relative paths they were uploaded with. */
    void download(String id, Path directory);

    /** Removes the backup's files and record; nothing happens for an id it does not have. */
    @Override
    void delete(String id);

    /** Lets go of connections, if any. */
    @Override
    default void close() {
    }
}

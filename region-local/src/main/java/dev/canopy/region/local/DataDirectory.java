package dev.canopy.region.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The local platform's data directory holds every cluster's rows, write-ahead logs, backups and keys: readable by the
 * platform's user only. Its files keep the modes their writers give them (the engine's 0644 among them), so the
 * directory itself is what keeps other users out: 0700, made so, or tightened from what an earlier version left.
 */
public final class DataDirectory {
    private DataDirectory() {
    }

    /** Creates the directory if needed and makes it the owner's only; returns it. */
    public static Path ownerOnly(Path dir) {
        try {
            Files.createDirectories(dir);
            if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir + " readable by its owner only: " + e.getMessage(), e);
        }
    }
}

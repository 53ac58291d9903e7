package dev.canopy.region.local;

import dev.canopy.api.BackupDestinationSpec;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a local region's backups may be written and restores read: under the region's backup directory
 * ({@code <data-dir>/backups}, which the platform's operator may make a link to a larger disk) only. The platform
 * writes there as its own user: an organization picks a directory below it, never another directory of the host.
 */
final class BackupRoot {
    private BackupRoot() {
    }

    /** Why the destination is refused, starting with its field ({@code directory: ...}), or empty when it is allowed. */
    static Optional<String> problem(BackupDestinationSpec destination, Path dataDir) {
        if (destination == null || destination.directory() == null) {
            return Optional.empty();
        }
        Path root = RegionBackups.defaultDirectory(dataDir);
        Path asked = Path.of(destination.directory()).toAbsolutePath().normalize();
        if (asked.startsWith(root)) {
            return Optional.empty();
        }
        return Optional.of("directory: must be under " + root + " (the region's backup directory; the platform writes"
                + " nowhere else of this machine), got " + destination.directory());
    }
}

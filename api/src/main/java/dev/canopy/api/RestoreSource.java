package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The backup a new cluster starts from: its id, and the destination holding it (the region's own backup directory
 * when absent). Another region's backups are named by their destination, which is how a cluster comes back in another
 * region after losing its own.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestoreSource(String backup, BackupDestinationSpec destination) {
}

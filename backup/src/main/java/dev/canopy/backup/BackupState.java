package dev.canopy.backup;

/** A backup is good only once Succeeded: it is written so only after every file and its record are in place. */
public enum BackupState {
    InProgress, Succeeded, Failed
}

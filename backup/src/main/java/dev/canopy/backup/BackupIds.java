package dev.canopy.backup;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A backup's id: its cluster and its start in UTC to the second, e.g. {@code orders-20261125-031700}. Sorts by time
 * within a cluster, reads well in a listing, and is a valid snapshot and file name.
 */
public final class BackupIds {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private BackupIds() {
    }

    public static String of(String cluster, Instant started) {
        return cluster + "-" + FORMAT.format(started);
    }
}

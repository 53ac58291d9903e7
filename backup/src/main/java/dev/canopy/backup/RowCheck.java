package dev.canopy.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Whether a restored cluster holds what its backup recorded: the same tables, each with the recorded rows. */
public final class RowCheck {
    private RowCheck() {
    }

    /** One line per table that differs; empty when the restore is complete. */
    public static List<String> mismatches(BackupRecord backup, Map<String, Long> restored) {
        Map<String, Long> before = backup.tableRows();
        Map<String, Long> after = backup.tableRowsAfter() == null ? before : backup.tableRowsAfter();
        Set<String> tables = new TreeSet<>(before.keySet());
        tables.addAll(after.keySet());
        tables.addAll(restored.keySet());
        List<String> mismatches = new ArrayList<>();
        for (String table : tables) {
            Long got = restored.get(table);
            long low = Math.min(before.getOrDefault(table, 0L), after.getOrDefault(table, 0L));
            long high = Math.max(before.getOrDefault(table, 0L), after.getOrDefault(table, 0L));
            boolean recorded = before.containsKey(table) || after.containsKey(table);
            if (got == null) {
                mismatches.add(table + ": missing (backup has " + range(low, high) + " rows)");
            } else if (!recorded) {
                mismatches.add(table + ": not in the backup, yet restored with " + got + " rows");
            } else if (got < low || got > high) {
                mismatches.add(table + ": " + got + " rows, backup has " + range(low, high));
            }
        }
        return mismatches;
    }

    private static String range(long low, long high) {
        return low == high ? Long.toString(low) : low + " to " + high;
    }
}

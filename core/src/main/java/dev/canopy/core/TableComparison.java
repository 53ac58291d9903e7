package dev.canopy.core;


import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Whether a cluster holds another's rows: every table of the first with the same digest (rows and checksum) in the
 * second. Both a blue/green switch and a replica's promotion wait on it once the source is fenced.
 */
public final class TableComparison {

    private TableComparison() {
    }

    /** The tables that differ, with their row counts, or "" when the target holds every row of the source. */
    public static String differences(Switchover switchover, Topology source, Topology target) {
        return differences(switchover.digest(source), switchover.digest(target));
    }

    public static String differences(Map<String, Switchover.TableDigest> expected, Map<String, Switchover.TableDigest> actual) {
        List<String> differ = new ArrayList<>();
        for (String table : new TreeSet<>(expected.keySet())) {
            Switchover.TableDigest have = actual.get(table);
            if (!Objects.equals(expected.get(table), have)) {
                differ.add(table + " (" + expected.get(table).rows() + " rows in the source, "
                        + (have == null ? "missing" : have.rows() + " in the target") + ")");
            }
        }
        return String.join(", ", differ);
    }
}

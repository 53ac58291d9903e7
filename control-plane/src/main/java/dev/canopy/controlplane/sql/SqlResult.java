package dev.canopy.controlplane.sql;

import java.util.List;

/**
 * What a statement answered: a result set's columns and its first rows (at most the request's {@code maxRows};
 * {@code truncated} when it had more), or the count of rows a change touched. {@code user} is who it ran as.
 */
public record SqlResult(String user, List<Column> columns, List<List<Object>> rows, Integer rowCount, Boolean truncated,
                        Long updateCount, long elapsedMillis) {

    /** A column's label and its SQL type as the engine names it. */
    public record Column(String name, String type) {
    }
}

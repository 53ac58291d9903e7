package dev.canopy.engine.ignite;

import dev.canopy.core.Causes;
import dev.canopy.core.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Copies every row of the source's user tables into the target's through SQL: a lazy {@code SELECT} read a page at a
 * time, written as batches of {@code MERGE INTO} (a row of the same key is overwritten). SQL rather than the thin
 * client's binary objects, so that the target builds its rows from its own table definitions and registers their
 * binary metadata itself; the rows are the same rows the change stream puts (same cache, same type names, same fields).
 */
final class RowCopy {
    private static final Logger LOG = LoggerFactory.getLogger(RowCopy.class);
    /** Rows per {@code executeBatch}: one round trip to the target each. */
    static final int BATCH = 1_000;

    private RowCopy() {
    }

    /** Returns the rows copied per table ({@code SCHEMA.TABLE}), in the order of the tables. */
    static Map<String, Long> copy(Topology source, Topology target) {
        long started = System.nanoTime();
        Map<String, Long> copied = new LinkedHashMap<>();
        List<TableSchema> tables;
        try (Connection from = ClusterSql.open(source); Connection to = ClusterSql.open(target)) {
            try {
                tables = SchemaReader.read(from);
            } catch (SQLException e) {
                throw new IllegalStateException("could not read the tables of " + source.cluster() + ": " + Causes.rootMessage(e), e);
            }
            try (Statement st = to.createStatement()) {
                Set<String> existing = SchemaCopy.tables(st);
                List<String> missing = tables.stream().map(TableSchema::qualifiedName).filter(t -> !existing.contains(t)).toList();
                if (!missing.isEmpty()) {
                    throw new IllegalStateException(target.cluster() + " lacks the tables " + missing + " of " + source.cluster()
                            + ": their schema is copied first");
                }
            }
            for (TableSchema table : tables) {
                long tableStarted = System.nanoTime();
                long rows;
                try {
                    rows = copyTable(from, to, table);
                } catch (SQLException | RuntimeException e) {
                    throw new IllegalStateException("could not copy the rows of " + table.qualifiedName() + " from " + source.cluster()
                            + " to " + target.cluster() + ": " + Causes.rootMessage(e), e);
                }
                copied.put(table.qualifiedName(), rows);
                LOG.info("{}: {} rows of {} copied from {} in {} s", target.cluster(), rows, table.qualifiedName(), source.cluster(),
                        String.format("%.1f", (System.nanoTime() - tableStarted) / 1e9));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not copy rows from " + source.cluster() + " to " + target.cluster() + ": "
                    + Causes.rootMessage(e), e);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long total = copied.values().stream().mapToLong(Long::longValue).sum();
        LOG.info("{}: {} rows of {} tables copied from {} in {} s ({} rows/s)", target.cluster(), total, copied.size(),
                source.cluster(), String.format("%.1f", seconds), Math.round(total / Math.max(seconds, 1e-3)));
        return copied;
    }

    private static long copyTable(Connection from, Connection to, TableSchema table) throws SQLException {
        String columns = table.columns().stream().map(c -> SchemaDdl.quoted(c.name())).collect(Collectors.joining(", "));
        String name = SchemaDdl.quoted(table.schema()) + "." + SchemaDdl.quoted(table.name());
        String values = table.columns().stream().map(c -> "?").collect(Collectors.joining(", "));
        long rows = 0;
        try (Statement select = from.createStatement();
             PreparedStatement merge = to.prepareStatement("MERGE INTO " + name + " (" + columns + ") VALUES (" + values + ")")) {
            select.setFetchSize(ClusterSql.PAGE);
            try (ResultSet rs = select.executeQuery(IgniteAdmin.OWN_STATEMENT + "SELECT " + columns + " FROM " + name)) {
                int pending = 0;
                while (rs.next()) {
                    for (int i = 1; i <= table.columns().size(); i++) {
                        merge.setObject(i, value(rs, i, table.columns().get(i - 1).javaType()));
                    }
                    merge.addBatch();
                    rows++;
                    if (++pending == BATCH) {
                        merge.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    merge.executeBatch();
                }
            }
        }
        return rows;
    }

    /**
     * The value as the column's own class: {@code getObject} gives a DATE as a {@code java.util.Date}, which the
     * target would not take as the {@code java.sql.Date} its column holds.
     */
    private static Object value(ResultSet rs, int column, String javaType) throws SQLException {
        return switch (javaType) {
            case "java.sql.Date" -> rs.getDate(column);
            case "java.sql.Time" -> rs.getTime(column);
            case "java.sql.Timestamp" -> rs.getTimestamp(column);
            default -> rs.getObject(column);
        };
    }
}

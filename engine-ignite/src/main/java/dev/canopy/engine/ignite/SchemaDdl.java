package dev.canopy.engine.ignite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The DDL that makes a source's table on another cluster: pure string building from {@link TableSchema}. The table
 * keeps the source's cache and binary type names, so that the rows the change stream carries (binary objects of the
 * source's types, put into the source's cache names) are rows of the new table.
 */
final class SchemaDdl {
    /** Java classes Ignite keeps SQL values as, and the SQL type that keeps them as the same class on the target. */
    private static final Map<String, String> SQL_TYPES = Map.ofEntries(
            Map.entry("java.lang.Integer", "INT"),
            Map.entry("java.lang.Long", "BIGINT"),
            Map.entry("java.lang.Short", "SMALLINT"),
            Map.entry("java.lang.Byte", "TINYINT"),
            Map.entry("java.lang.Boolean", "BOOLEAN"),
            Map.entry("java.lang.Double", "DOUBLE"),
            Map.entry("java.lang.Float", "REAL"),
            Map.entry("java.lang.String", "VARCHAR"),
            Map.entry("java.math.BigDecimal", "DECIMAL"),
            Map.entry("java.sql.Timestamp", "TIMESTAMP"),
            Map.entry("java.sql.Date", "DATE"),
            Map.entry("java.sql.Time", "TIME"),
            Map.entry("java.util.UUID", "UUID"),
            Map.entry("[B", "VARBINARY"));
    /** Types whose default is written as is; any other constant default is a quoted literal the column converts. */
    private static final List<String> UNQUOTED_DEFAULTS = List.of("java.lang.Integer", "java.lang.Long", "java.lang.Short",
            "java.lang.Byte", "java.lang.Boolean", "java.lang.Double", "java.lang.Float", "java.math.BigDecimal");

    private SchemaDdl() {
    }

    /**
     * {@code CREATE TABLE} with the platform's template (so that backups follow the target's redundancy, not the
     * source's), the source's cache name, value type and, for a key of several columns, key type; affinity column,
     * atomicity and cache group as on the source.
     *
     * <p>A key of one column is stored as that column's plain value ({@code java.lang.Long}), and its key type is then
     * left out: naming it makes the target expect a key object with the column as a field, and read every key the
     * stream brings (plain values) as 0.
     */
    static String createTable(TableSchema table) {
        List<String> lines = new ArrayList<>();
        for (TableSchema.Column column : table.columns()) {
            StringBuilder line = new StringBuilder("  ").append(quoted(column.name())).append(' ').append(sqlType(table, column));
            column.defaultValue().filter(v -> !"[B".equals(column.javaType()))
                    .ifPresent(v -> line.append(" DEFAULT ").append(defaultLiteral(column.javaType(), v)));
            // Ignite reports the columns of a composite key as nullable though they are not; NOT NULL is the user's
            if (!column.nullable() && !table.primaryKey().contains(column.name())) {
                line.append(" NOT NULL");
            }
            lines.add(line.toString());
        }
        if (table.primaryKey().isEmpty()) {
            throw new IllegalArgumentException(table.qualifiedName() + " has no primary key column");
        }
        lines.add("  PRIMARY KEY (" + table.primaryKey().stream().map(SchemaDdl::quoted).collect(Collectors.joining(", ")) + ")");
        return "CREATE TABLE " + quoted(table.schema()) + "." + quoted(table.name()) + " (\n" + String.join(",\n", lines)
                + "\n) WITH \"" + String.join(",", withParameters(table)) + "\"";
    }

    /** The parameters of {@code WITH "..."}, in a fixed order. */
    static List<String> withParameters(TableSchema table) {
        List<String> with = new ArrayList<>();
        // the canopy template is partitioned (backups = redundancy - 1, a backup never in its primary's availability
        // group); a replicated table has a copy on every leaf whatever the redundancy, which Ignite's own template gives
        with.add("TEMPLATE=" + ("REPLICATED".equals(table.cacheMode()) ? "REPLICATED" : NodeConfigRenderer.TEMPLATE));
        with.add(parameter(table, "CACHE_NAME", table.cacheName()));
        table.cacheGroup().ifPresent(group -> with.add(parameter(table, "CACHE_GROUP", group)));
        if (isJavaClass(table.keyType())) {
            if (table.primaryKey().size() > 1) {
                throw new IllegalArgumentException(table.qualifiedName() + " has a key of " + table.primaryKey().size()
                        + " columns stored as " + table.keyType() + ", which Ignite does not make");
            }
        } else {
            // a key object: always for several columns, and for one column created with WRAP_KEY
            with.add(parameter(table, "KEY_TYPE", table.keyType()));
            if (table.primaryKey().size() == 1) {
                with.add("WRAP_KEY=true");
            }
        }
        if (isJavaClass(table.valueType())) {
            with.add("WRAP_VALUE=false");
        } else {
            with.add(parameter(table, "VALUE_TYPE", table.valueType()));
        }
        table.affinityColumn().ifPresent(column -> with.add(parameter(table, "AFFINITY_KEY", column)));
        with.add(parameter(table, "ATOMICITY", table.atomicity()));
        return with;
    }

    /** {@code CREATE INDEX IF NOT EXISTS} for each secondary index, with its columns and their directions. */
    static List<String> createIndexes(TableSchema table) {
        return table.indexes().stream().map(index -> "CREATE INDEX IF NOT EXISTS " + quoted(index.name()) + " ON "
                + quoted(table.schema()) + "." + quoted(table.name()) + " (" + index.columns().stream()
                .map(c -> quoted(c.name()) + (c.descending() ? " DESC" : " ASC")).collect(Collectors.joining(", ")) + ")")
                .toList();
    }

    /** The SQL type that makes Ignite keep the column's values as the same Java class as on the source. */
    static String sqlType(TableSchema table, TableSchema.Column column) {
        String type = SQL_TYPES.get(column.javaType());
        if (type == null) {
            throw new IllegalArgumentException("column " + column.name() + " of " + table.qualifiedName() + " is of type "
                    + column.javaType() + ", which has no SQL type to copy it as (known: " + SQL_TYPES.keySet().stream().sorted()
                    .collect(Collectors.joining(", ")) + ")");
        }
        return switch (type) {
            case "VARCHAR", "VARBINARY" -> column.precision() > 0 ? type + "(" + column.precision() + ")" : type;
            case "DECIMAL" -> column.precision() <= 0 ? type
                    : column.scale() >= 0 ? type + "(" + column.precision() + "," + column.scale() + ")"
                    : type + "(" + column.precision() + ")";
            default -> type;
        };
    }

    /** Ignite accepts constant defaults only; the system view shows them unquoted. */
    static String defaultLiteral(String javaType, String value) {
        return UNQUOTED_DEFAULTS.contains(javaType) ? value : "'" + value.replace("'", "''") + "'";
    }

    static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static boolean isJavaClass(String typeName) {
        return typeName.startsWith("java.");
    }

    /** {@code WITH "..."} is split at commas and has no quoting of its own: a value holding either cannot be passed. */
    private static String parameter(TableSchema table, String name, String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("=")) {
            throw new IllegalArgumentException(table.qualifiedName() + ": its " + name + " " + value
                    + " holds a comma, quote or equals sign, which CREATE TABLE ... WITH cannot carry");
        }
        return name + "=" + value;
    }
}

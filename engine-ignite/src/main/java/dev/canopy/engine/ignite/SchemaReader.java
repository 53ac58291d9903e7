package dev.canopy.engine.ignite;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a cluster's user tables from Ignite's system views (the same in 2.16 and 2.17): {@code SYS.TABLES} (cache,
 * key and value type names, affinity column), {@code SYS.CACHES} (atomicity, cache mode), {@code SYS.TABLE_COLUMNS}
 * (types, precision, nullability, defaults, primary key) and {@code SYS.INDEXES}. The views list columns in no
 * particular order, so the declaration order comes from the JDBC driver's column metadata.
 */
final class SchemaReader {
    /** Ignite's own schemas; every other schema holds the users' tables. */
    static final String USER_SCHEMAS = "SCHEMA_NAME NOT IN ('SYS', 'INFORMATION_SCHEMA')";
    /** The hidden columns of every table: the whole key and the whole value. */
    private static final Set<String> HIDDEN = Set.of("_KEY", "_VAL");

    private SchemaReader() {
    }

    /** The user tables, ordered by schema and name. */
    static List<TableSchema> read(Connection sql) throws SQLException {
        Map<String, String[]> caches = new HashMap<>();
        Map<String, List<String[]>> columnRows = new HashMap<>();
        Map<String, List<IndexRow>> indexRows = new HashMap<>();
        Map<String, Integer> ordinals = new HashMap<>();
        List<String[]> tables = new ArrayList<>();
        try (Statement st = sql.createStatement()) {
            try (ResultSet rs = st.executeQuery(IgniteAdmin.OWN_STATEMENT + "SELECT CACHE_NAME, ATOMICITY_MODE, CACHE_MODE FROM SYS.CACHES")) {
                while (rs.next()) {
                    caches.put(rs.getString(1), new String[]{rs.getString(2), rs.getString(3)});
                }
            }
            try (ResultSet rs = st.executeQuery(IgniteAdmin.OWN_STATEMENT + "SELECT SCHEMA_NAME, TABLE_NAME, CACHE_NAME, CACHE_GROUP_NAME,"
                    + " KEY_TYPE_NAME, VALUE_TYPE_NAME, AFFINITY_KEY_COLUMN FROM SYS.TABLES WHERE " + USER_SCHEMAS
                    + " ORDER BY SCHEMA_NAME, TABLE_NAME")) {
                while (rs.next()) {
                    tables.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7)});
                }
            }
            try (ResultSet rs = st.executeQuery(IgniteAdmin.OWN_STATEMENT + "SELECT SCHEMA_NAME, TABLE_NAME, COLUMN_NAME, TYPE, PRECISION,"
                    + " SCALE, NULLABLE, DEFAULT_VALUE, PK FROM SYS.TABLE_COLUMNS WHERE " + USER_SCHEMAS)) {
                while (rs.next()) {
                    if (!HIDDEN.contains(rs.getString(3))) {
                        columnRows.computeIfAbsent(rs.getString(1) + "." + rs.getString(2), t -> new ArrayList<>()).add(new String[]{
                                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                                rs.getString(9)});
                    }
                }
            }
            try (ResultSet rs = st.executeQuery(IgniteAdmin.OWN_STATEMENT + "SELECT SCHEMA_NAME, TABLE_NAME, INDEX_NAME, COLUMNS, IS_PK"
                    + " FROM SYS.INDEXES WHERE " + USER_SCHEMAS)) {
                while (rs.next()) {
                    indexRows.computeIfAbsent(rs.getString(1) + "." + rs.getString(2), t -> new ArrayList<>())
                            .add(new IndexRow(rs.getString(3), rs.getString(4), rs.getBoolean(5)));
                }
            }
        }
        DatabaseMetaData meta = sql.getMetaData();
        for (String[] table : tables) {
            try (ResultSet rs = meta.getColumns(null, table[0], table[1], "%")) {
                while (rs.next()) {
                    // the names are patterns ('_' matches any character): each row says which table it is of
                    ordinals.put(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME") + "." + rs.getString("COLUMN_NAME"),
                            rs.getInt("ORDINAL_POSITION"));
                }
            }
        }

        List<TableSchema> result = new ArrayList<>();
        for (String[] t : tables) {
            String qualified = t[0] + "." + t[1];
            List<String[]> rows = new ArrayList<>(columnRows.getOrDefault(qualified, List.of()));
            rows.sort(Comparator.comparing((String[] c) -> ordinals.getOrDefault(qualified + "." + c[0], Integer.MAX_VALUE))
                    .thenComparing(c -> c[0]));
            List<TableSchema.Column> columns = new ArrayList<>();
            List<String> keyColumns = new ArrayList<>();
            for (String[] c : rows) {
                columns.add(new TableSchema.Column(c[0], c[1], Integer.parseInt(c[2]), Integer.parseInt(c[3]),
                        Boolean.parseBoolean(c[4]), Optional.ofNullable(c[5])));
                if (Boolean.parseBoolean(c[6])) {
                    keyColumns.add(c[0]);
                }
            }
            List<IndexRow> indexes = indexRows.getOrDefault(qualified, List.of());
            List<String> primaryKey = primaryKey(keyColumns, indexes);
            Optional<String> affinity = Optional.ofNullable(t[6]);
            String[] cache = caches.getOrDefault(t[2], new String[]{"ATOMIC", "PARTITIONED"});
            Optional<String> group = Optional.ofNullable(t[3]).filter(g -> !g.equals(t[2]));
            result.add(new TableSchema(t[0], t[1], t[2], t[4], t[5], affinity, group, cache[0], cache[1], columns, primaryKey,
                    secondaryIndexes(indexes, primaryKey, affinity)));
        }
        return result;
    }

    /** A row of {@code SYS.INDEXES}. */
    record IndexRow(String name, String columns, boolean primaryKey) {
    }

    /**
     * The key's columns in the key's order: that of the primary key index when it names them (a composite key;
     * a key of one column is indexed as {@code _KEY}), otherwise the declaration order.
     */
    static List<String> primaryKey(List<String> keyColumnsInDeclarationOrder, List<IndexRow> indexes) {
        for (IndexRow index : indexes) {
            if (index.primaryKey()) {
                List<String> named = parseIndexColumns(index.columns()).stream().map(TableSchema.IndexColumn::name).toList();
                if (named.size() == keyColumnsInDeclarationOrder.size() && new HashSet<>(named).containsAll(keyColumnsInDeclarationOrder)) {
                    return named;
                }
            }
        }
        return keyColumnsInDeclarationOrder;
    }

    /**
     * The indexes a user made, as they were made. Ignite lists more: the primary key's ({@code _key_PK}, and its
     * {@code _key_PK_proxy} under the key column's name), the affinity column's ({@code AFFINITY_KEY}), and for an
     * index over {@code _KEY} a twin named {@code NAME_proxy} that names the key column instead, whose columns are
     * taken. Ignite appends the key and affinity columns to every index; they are dropped from the end (ascending
     * ones only: the target appends them again, so the index is the same), keeping at least one column.
     */
    static List<TableSchema.Index> secondaryIndexes(List<IndexRow> rows, List<String> primaryKey, Optional<String> affinityColumn) {
        Map<String, IndexRow> byName = new LinkedHashMap<>();
        rows.forEach(row -> byName.put(row.name(), row));
        Set<String> implicit = new HashSet<>(primaryKey);
        implicit.add("_KEY");
        affinityColumn.ifPresent(implicit::add);
        List<TableSchema.Index> indexes = new ArrayList<>();
        for (IndexRow row : byName.values()) {
            if (row.primaryKey() || row.name().startsWith("_key_PK")) {
                continue;
            }
            if (row.name().endsWith("_proxy") && byName.containsKey(row.name().substring(0, row.name().length() - "_proxy".length()))) {
                continue;
            }
            List<TableSchema.IndexColumn> columns = new ArrayList<>(parseIndexColumns(
                    Optional.ofNullable(byName.get(row.name() + "_proxy")).orElse(row).columns()));
            if ("AFFINITY_KEY".equals(row.name()) && affinityColumn.isPresent() && !columns.isEmpty()
                    && columns.get(0).name().equals(affinityColumn.get())) {
                continue;
            }
            while (columns.size() > 1 && implicit.contains(columns.get(columns.size() - 1).name())
                    && !columns.get(columns.size() - 1).descending()) {
                columns.remove(columns.size() - 1);
            }
            indexes.add(new TableSchema.Index(row.name(), columns));
        }
        indexes.sort(Comparator.comparing(TableSchema.Index::name));
        return indexes;
    }

    /** Parses {@code SYS.INDEXES.COLUMNS}: {@code "NAME" DESC, "AMOUNT" ASC} (quoted names, doubled quotes inside). */
    static List<TableSchema.IndexColumn> parseIndexColumns(String text) {
        List<TableSchema.IndexColumn> columns = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ' || c == ',') {
                i++;
                continue;
            }
            StringBuilder name = new StringBuilder();
            if (c == '"') {
                i++;
                while (i < text.length()) {
                    if (text.charAt(i) == '"') {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                            name.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    name.append(text.charAt(i++));
                }
            } else {
                while (i < text.length() && text.charAt(i) != ' ' && text.charAt(i) != ',') {
                    name.append(text.charAt(i++));
                }
            }
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            int end = i;
            while (end < text.length() && text.charAt(end) != ',') {
                end++;
            }
            String direction = text.substring(i, end).trim();
            columns.add(new TableSchema.IndexColumn(name.toString(), "DESC".equalsIgnoreCase(direction)));
            i = end;
        }
        return columns;
    }
}

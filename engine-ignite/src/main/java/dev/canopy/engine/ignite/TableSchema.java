package dev.canopy.engine.ignite;

import java.util.List;
import java.util.Optional;

/**
 * A user table as Ignite's system views describe it: enough to make the same table on another cluster, with the cache
 * and binary type names the change stream's rows carry.
 *
 * @param keyType        the key's binary type name; a Java class name ({@code java.lang.Long}) when the key is one column
 *                       stored as its plain value
 * @param valueType      the value's binary type name; a Java class name when the value is one unwrapped column
 * @param affinityColumn the column rows are placed by, when not the whole key
 * @param cacheGroup     the cache group, when the table shares one with others (empty when it is the cache's own)
 * @param atomicity      {@code ATOMIC} or {@code TRANSACTIONAL} (the cache's atomicity mode)
 * @param cacheMode      {@code PARTITIONED} or {@code REPLICATED}
 * @param columns        in the table's declaration order
 * @param primaryKey     the primary key's columns, in the key's order
 */
record TableSchema(String schema, String name, String cacheName, String keyType, String valueType,
                   Optional<String> affinityColumn, Optional<String> cacheGroup, String atomicity, String cacheMode,
                   List<Column> columns, List<String> primaryKey, List<Index> indexes) {

    TableSchema {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        indexes = List.copyOf(indexes);
    }

    /** {@code SCHEMA.TABLE}, as {@link dev.canopy.core.Switchover} keys tables. */
    String qualifiedName() {
        return schema + "." + name;
    }

    /**
     * @param javaType     the class Ignite keeps the column's values as ({@code java.lang.Integer}, {@code [B}, ...)
     * @param precision    length or precision, -1 when not set
     * @param scale        -1 when not set
     * @param defaultValue the constant default as the system view shows it (strings unquoted), empty when none
     */
    record Column(String name, String javaType, int precision, int scale, boolean nullable, Optional<String> defaultValue) {
    }

    /** A secondary index: its own columns, without those Ignite appends to every index (key, affinity column). */
    record Index(String name, List<IndexColumn> columns) {
        Index {
            columns = List.copyOf(columns);
        }
    }

    record IndexColumn(String name, boolean descending) {
    }
}

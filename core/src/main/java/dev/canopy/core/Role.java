package dev.canopy.core;

public enum Role {
    /** A data node: holds partitions, persists them, belongs to one availability group. */
    LEAF,
    /** A query router: holds no data, serves SQL to clients. */
    AGGREGATOR
}

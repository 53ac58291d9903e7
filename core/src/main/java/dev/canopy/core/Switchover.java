package dev.canopy.core;

import java.util.List;
import java.util.Map;

/**
 * The engine's side of moving a cluster's data to another cluster and its clients after it (a blue/green upgrade, the
 * promotion of a replica): copy the tables and their rows, compare the two, and fence the source so that it takes no
 * more writes. The clusters may run different engine releases.
 */
public interface Switchover {

    /**
     * Creates on the target every table of the source's user schemas that the target lacks, with its columns, primary
     * key, affinity column, secondary indexes and the source's cache and binary type names (so that the source's rows,
     * as the change stream carries them, are the target's rows). Returns the tables created, as {@code SCHEMA.TABLE}.
     */
    List<String> copySchema(Topology source, Topology target);

    /**
     * Copies every row of the source's user tables into the target's (which {@link #copySchema} made), in place of the
     * rows the target's tables held (a cluster fed again from a new source, on failback, may hold rows since deleted
     * there). Returns the rows copied per table. The source keeps taking writes meanwhile: a change stream
     * started before the copy and applied after it brings the target to the source's state.
     */
    Map<String, Long> copyRows(Topology source, Topology target);

    /** Per user table ({@code SCHEMA.TABLE}): its rows and a checksum of their contents that does not depend on order. */
    Map<String, TableDigest> digest(Topology cluster);

    /** Makes the cluster read-only: reads go on, every write fails (the engine's own refusal). Idempotent. */
    void fence(Topology cluster);

    /** Takes writes again. Idempotent. */
    void unfence(Topology cluster);

    /** Whether the cluster is fenced (read-only). */
    boolean fenced(Topology cluster);

    /** A table's rows and checksum; two tables with the same digest hold the same rows (to the checksum's strength). */
    record TableDigest(long rows, long checksum) {
    }
}

package dev.canopy.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's consistent copies of a running cluster's data, apart from {@link Engine} so that engines (and fakes)
 * without them need not pretend. A snapshot is written by every leaf at once; the directory it is written to (and read
 * from) is given as a path every leaf can reach, which on one machine is any local directory.
 */
public interface Snapshots {

    /**
     * Takes a cluster-wide snapshot named {@code name} into {@code directory/name} and returns once every leaf has
     * written its part; throws, with the engine's reason, when it could not (a leaf away, no space left, ...).
     */
    void create(Topology topology, String name, Path directory);

    /**
     * The leaves whose part of snapshot {@code name} is not in {@code directory/name}, a copy on this machine: the
     * engine may complete a snapshot without a leaf that left meanwhile.
     */
    List<String> missingParts(Topology topology, String name, Path directory);

    /**
     * Restores the snapshot {@code directory/name} into this running cluster, which must hold none of its tables;
     * returns once every table is back.
     */
    void restore(Topology topology, String name, Path directory);

    /**
     * The leaves of the baseline that are not in the cluster now (their names): a snapshot taken without one is
     * missing that leaf's part, so backups check before and after. Throws when no leaf answers.
     */
    Set<String> offlineLeaves(Topology topology);

    /** Rows per table ({@code SCHEMA.TABLE}) as the cluster holds them now; throws when the cluster does not answer. */
    Map<String, Long> tableRows(Topology topology);
}

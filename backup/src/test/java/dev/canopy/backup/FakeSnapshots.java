package dev.canopy.backup;

import dev.canopy.core.Snapshots;
import dev.canopy.core.Topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Snapshots as files a test can see: each leaf's part is one small file; tables are a map the test sets. */
final class FakeSnapshots implements Snapshots {
    final Map<String, Long> rows = new TreeMap<>();
    RuntimeException createFailure;
    Map<String, Long> restoredRows;
    Path restoredFrom;
    /** Bytes of padding added to each leaf's part, for a snapshot larger than a small disk. */
    int padding;
    /** A leaf whose part the snapshot lacks, as when it left during the snapshot. */
    String partMissing;

    @Override
    public void create(Topology topology, String name, Path directory) {
        if (createFailure != null) {
            throw createFailure;
        }
        try {
            for (var leaf : topology.leaves()) {
                if (leaf.node().name().equals(partMissing)) {
                    continue;
                }
                Path part = directory.resolve(name).resolve("db").resolve(leaf.node().name()).resolve("part-0.bin");
                Files.createDirectories(part.getParent());
                Files.writeString(part, "rows of " + leaf.node().name() + " " + rows + " ".repeat(padding));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public java.util.List<String> missingParts(Topology topology, String name, Path directory) {
        return topology.leaves().stream().map(leaf -> leaf.node().name())
                .filter(leaf -> !Files.exists(directory.resolve(name).resolve("db").resolve(leaf).resolve("part-0.bin"))).toList();
    }

    @Override
    public void restore(Topology topology, String name, Path directory) {
        if (!Files.isDirectory(directory.resolve(name).resolve("db"))) {
            throw new IllegalStateException("no snapshot " + name + " in " + directory);
        }
        restoredFrom = directory;
        restoredRows = new TreeMap<>(rows);
    }

    final java.util.Set<String> offline = new java.util.TreeSet<>();

    @Override
    public java.util.Set<String> offlineLeaves(Topology topology) {
        return offline;
    }

    @Override
    public Map<String, Long> tableRows(Topology topology) {
        return restoredRows != null && topology.cluster().startsWith("restored") ? restoredRows : rows;
    }
}

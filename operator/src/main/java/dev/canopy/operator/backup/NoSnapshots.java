package dev.canopy.operator.backup;

import dev.canopy.core.Snapshots;
import dev.canopy.core.Topology;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An engine without snapshots: each backup or restore fails saying so, rather than the operator failing to start. */
public enum NoSnapshots implements Snapshots {
    INSTANCE;

    private static IllegalStateException refused() {
        return new IllegalStateException("the operator's engine takes no snapshots: backups and restores are not possible");
    }

    @Override
    public void create(Topology topology, String name, Path directory) {
        throw refused();
    }

    @Override
    public List<String> missingParts(Topology topology, String name, Path directory) {
        throw refused();
    }

    @Override
    public void restore(Topology topology, String name, Path directory) {
        throw refused();
    }

    @Override
    public Set<String> offlineLeaves(Topology topology) {
        throw refused();
    }

    @Override
    public Map<String, Long> tableRows(Topology topology) {
        throw refused();
    }
}

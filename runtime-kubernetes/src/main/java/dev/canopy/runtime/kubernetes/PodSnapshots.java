package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodePlacement;
import dev.canopy.core.Snapshots;
import dev.canopy.core.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's snapshots of a cluster whose leaves are pods: each leaf writes its part on its own volume, and the
 * operator carries the parts to and from its own disk, where backups are uploaded and downloaded. A restore gives
 * every leaf the whole snapshot, as leaves sharing one directory would see it: the engine then finds every partition
 * on whichever leaf it assigns it to, whatever topology the backup was taken on. The copies on the volumes are
 * deleted once done, whether or not it worked.
 */
public final class PodSnapshots implements Snapshots {
    private static final Logger LOG = LoggerFactory.getLogger(PodSnapshots.class);
    /** Under the leaf's data volume: a snapshot is as big as the leaf's data, which only that volume is sized for. */
    public static final String TAKEN = NodeStatefulSet.DATA_DIR + "/canopy-snapshots";
    public static final String RESTORING = NodeStatefulSet.DATA_DIR + "/canopy-restore";

    private final Snapshots engine;
    private final LeafFiles files;
    private final String deployment;

    /** @param deployment whose pods run the leaves: the cluster's name, or its second deployment's after a blue/green upgrade */
    public PodSnapshots(Snapshots engine, LeafFiles files, String deployment) {
        this.engine = engine;
        this.files = files;
        this.deployment = deployment;
    }

    @Override
    public void create(Topology topology, String name, Path directory) {
        try {
            engine.create(topology, name, Path.of(TAKEN));
            for (NodePlacement leaf : topology.leaves()) {
                files.copyOut(pod(leaf), TAKEN + "/" + name, directory.resolve(name));
            }
        } finally {
            deleteEverywhere(topology, TAKEN + "/" + name);
        }
    }

    @Override
    public List<String> missingParts(Topology topology, String name, Path directory) {
        return engine.missingParts(topology, name, directory);
    }

    @Override
    public void restore(Topology topology, String name, Path directory) {
        try {
            for (NodePlacement leaf : topology.leaves()) {
                files.copyIn(directory.resolve(name), pod(leaf), RESTORING + "/" + name);
            }
            engine.restore(topology, name, Path.of(RESTORING));
        } finally {
            deleteEverywhere(topology, RESTORING + "/" + name);
        }
    }

    @Override
    public Set<String> offlineLeaves(Topology topology) {
        return engine.offlineLeaves(topology);
    }

    @Override
    public Map<String, Long> tableRows(Topology topology) {
        return engine.tableRows(topology);
    }

    private String pod(NodePlacement leaf) {
        return ObjectNames.pod(deployment, leaf.node());
    }

    private void deleteEverywhere(Topology topology, String directory) {
        for (NodePlacement leaf : topology.leaves()) {
            try {
                files.delete(pod(leaf), directory);
            } catch (RuntimeException e) {
                // the next backup of that name never comes (names are unique); what is left costs space until the pod's volume goes
                LOG.warn("{}: could not delete {}: {}", pod(leaf), directory, e.getMessage());
            }
        }
    }
}

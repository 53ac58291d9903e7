package dev.canopy.engine.ignite;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A snapshot Ignite reports complete misses a leaf's part when that leaf left meanwhile: the parts say which. */
class SnapshotPartsTest {
    @TempDir
    Path directory;

    private static Topology topology() {
        DatabaseClusterSpec spec = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5), new LeavesSpec(1, 0.5, 1, null), Map.of(), null);
        Map<NodeId, NodePlacement> placements = new HashMap<>();
        int port = 20000;
        for (NodeId node : DesiredNodes.all(spec)) {
            placements.put(node, new NodePlacement(node, "127.0.0.1", port++, port++, port++, "/nowhere"));
        }
        return new Topology("orders", spec, placements);
    }

    /** An admin whose snapshot writes the metadata of the given leaves only, as Ignite does when one left meanwhile. */
    private static IgniteAdmin writingPartsOf(List<String> folders) {
        return new IgniteAdmin() {
            @Override
            public void createSnapshot(List<NodePlacement> leaves, String name, Path directory, Credentials login) {
                try {
                    Files.createDirectories(directory.resolve(name));
                    for (String folder : folders) {
                        Files.writeString(directory.resolve(name).resolve(folder + ".smf"), "meta");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    @Test
    void everyLeafsPartMakesASnapshot() {
        IgniteEngine engine = new IgniteEngine(Sizing.local(), writingPartsOf(List.of("leaf_ag1_0", "leaf_ag2_0")), false, ClusterCredentials.NONE);
        engine.create(topology(), "snap", directory);
        assertThat(engine.missingParts(topology(), "snap", directory)).isEmpty();
    }

    @Test
    void aLeafWithoutItsPartIsNamed() {
        IgniteEngine engine = new IgniteEngine(Sizing.local(), writingPartsOf(List.of("leaf_ag1_0")), false, ClusterCredentials.NONE);
        engine.create(topology(), "snap", directory);
        assertThat(engine.missingParts(topology(), "snap", directory)).containsExactly("leaf-ag2-0");
    }
}

package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.ClusterManifest;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.core.ReplicaFeed;
import dev.canopy.core.Step;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.runtime.local.LocalRuntime;
import dev.canopy.runtime.local.ReleaseCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The region's start and pass with one cluster's record damaged, on the real store and runtime but without any process:
 * the other cluster is suspended, so that reconciling it starts no node.
 */
class LocalRegionDamagedRecordTest {
    private static final List<String> RELEASES = List.of("2.17.0");

    @TempDir
    Path dataDir;
    private ClusterStore store;
    private LocalRegion region;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        store = new ClusterStore(dataDir);
        LocalRuntime runtime = new LocalRuntime(dataDir, ReleaseCatalog.fromSystemProperties());
        region = new LocalRegion(store, runtime, IgniteEngine.local(), new RegionListener() {
            @Override
            public void stepTaken(String cluster, Step step) {
                events.add(cluster + ": step " + step.reason());
            }

            @Override
            public void statusChanged(String cluster, DatabaseClusterStatus before, DatabaseClusterStatus after) {
                events.add(cluster + ": " + after.phase());
            }

            @Override
            public void deleted(String cluster) {
                events.add(cluster + ": deleted");
            }

            @Override
            public void failed(String cluster, String message) {
                failures.add(cluster + ": " + message);
            }
        }, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        region.close();
    }

    private static DatabaseClusterSpec suspended() {
        return new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.25), new LeavesSpec(1, 0.25, 1, null), Map.of(), true);
    }

    /** alpha and orders, both suspended and last seen Ready. */
    private void twoClusters() {
        for (String name : List.of("alpha", "orders")) {
            store.apply(new ClusterManifest(name, suspended()), RELEASES);
            store.writeStatus(name, new DatabaseClusterStatus(Phase.Ready, List.of(), 1L, new NodeCounts(1, 1),
                    new NodeCounts(2, 2), "2.17.0", null, null));
        }
    }

    private static void truncate(Path file) throws IOException {
        String content = Files.readString(file);
        Files.writeString(file, content.substring(0, content.length() / 2));
    }

    /** Every file under the cluster's directory with its content. */
    private Map<String, String> files(String cluster) throws IOException {
        Map<String, String> files = new TreeMap<>();
        Path dir = store.clusterDir(cluster);
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(file).toString(), Files.readString(file));
            }
        }
        return files;
    }

    @Test
    void aDamagedRecordIsLeftAsItIsAndTheOtherClusterIsReconciled() throws IOException {
        twoClusters();
        truncate(store.clusterDir("orders").resolve("manifest.yaml"));
        Map<String, String> before = files("orders");

        region.pass();
        region.pass();

        assertThat(store.get("alpha").orElseThrow().status()).extracting(DatabaseClusterStatus::phase, DatabaseClusterStatus::observedGeneration)
                .containsExactly(Phase.Suspended, 1L);
        assertThat(events).as("nothing done for orders").containsExactly("alpha: Suspended");
        assertThat(failures).isEmpty();
        assertThat(files("orders")).as("nothing of it written or removed").isEqualTo(before);
        StoredCluster orders = store.get("orders").orElseThrow();
        assertThat(orders.status().phase()).isEqualTo(Phase.Failed);
        assertThat(orders.status().condition(Condition.READY)).map(Condition::reason).contains(ClusterStore.RECORD_DAMAGED);
    }

    /** The finding: one truncated file of one cluster stopped the platform from starting. */
    @Test
    void theRegionStartsWithADamagedRecordAndLeavesItsStatusAlone() throws IOException {
        twoClusters();
        truncate(store.clusterDir("orders").resolve("cluster.json"));
        Map<String, String> before = files("orders");

        region.start();

        // the first pass may have run already: alpha is either being brought up again or reconciled
        assertThat(store.get("alpha").orElseThrow().status().phase()).isIn(Phase.Provisioning, Phase.Suspended);
        assertThat(files("orders")).isEqualTo(before);
        region.close();
        assertThat(files("orders")).isEqualTo(before);
        assertThat(failures).isEmpty();
    }

    @Test
    void aDamagedStatusIsObservedAgainAndRewritten() throws IOException {
        twoClusters();
        Path statusFile = store.clusterDir("orders").resolve("status.json");
        truncate(statusFile);
        assertThat(store.get("orders").orElseThrow().status()).isNull();

        region.pass();

        assertThat(store.get("orders").orElseThrow().status()).extracting(DatabaseClusterStatus::phase,
                DatabaseClusterStatus::observedGeneration).containsExactly(Phase.Suspended, 1L);
        assertThat(events).containsExactly("alpha: Suspended", "orders: Suspended");
    }

    @Test
    void aDamagedRecordIsDeletedWhenAskedFor() throws IOException {
        twoClusters();
        truncate(store.clusterDir("orders").resolve("manifest.yaml"));
        assertThat(store.markDeleting("orders")).isTrue();

        region.pass();

        assertThat(events).contains("orders: deleted", "alpha: Suspended");
        assertThat(store.get("orders")).isEmpty();
        assertThat(store.clusterDir("orders")).doesNotExist();
    }

    /** A deletion used to read the feed outside the cluster's own try: its failure ended the pass for every cluster. */
    @Test
    void aDeletionThatCannotReadItsFeedHoldsUpNoOtherCluster() throws IOException {
        twoClusters();
        store.writeReplica("orders", ReplicaFeed.Progress.start("local", "source"));
        assertThat(store.markDeleting("orders")).isTrue();
        Path feed = store.clusterDir("orders").resolve(ClusterStore.REPLICA_FILE);
        truncate(feed);

        region.pass();
        region.pass();

        assertThat(events).containsExactly("alpha: Suspended");
        assertThat(failures).as("said once").singleElement().asString().startsWith("orders: " + feed + " is not valid JSON: ");
        assertThat(store.clusterDir("orders")).exists();
        assertThat(store.get("orders").orElseThrow().deleting()).isTrue();
    }
}

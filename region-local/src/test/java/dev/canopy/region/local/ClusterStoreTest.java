package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.ClusterManifest;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.core.ReplicationTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file store of the local region, without any process. */
class ClusterStoreTest {
    private static final List<String> RELEASES = List.of("2.17.0");

    @TempDir
    Path dataDir;

    private static DatabaseClusterSpec spec(int redundancy, int leaves) {
        return new DatabaseClusterSpec("2.17.0", redundancy, new AggregatorsSpec(1, 0.5),
                new LeavesSpec(leaves, 0.5, 10, null), Map.of("sqlQueryTimeoutMs", "60000"), false);
    }

    private static ClusterManifest manifest(String name, DatabaseClusterSpec spec) {
        return new ClusterManifest(name, spec);
    }

    @Test
    void replicationIsKeptWithTheClusterUntilTurnedOffOrDeleted() {
        ClusterStore store = new ClusterStore(dataDir);
        ReplicationTarget green = new ReplicationTarget("green", List.of("127.0.0.1:10800", "127.0.0.1:10801"));
        assertThat(store.writeReplication("orders", Optional.of(green))).as("no such cluster").isFalse();
        store.apply(manifest("orders", spec(2, 1)), RELEASES);
        assertThat(store.replication("orders")).isEmpty();

        assertThat(store.writeReplication("orders", Optional.of(green))).isTrue();
        assertThat(new ClusterStore(dataDir).replication("orders")).as("read back by another store").contains(green);
        assertThat(store.writeReplication("orders", Optional.empty())).isTrue();
        assertThat(store.replication("orders")).isEmpty();

        store.writeReplication("orders", Optional.of(green));
        store.markDeleting("orders");
        assertThat(store.writeReplication("orders", Optional.of(green))).as("a cluster being deleted").isFalse();
    }

    @Test
    void generationGrowsOnlyWhenTheSpecChanges() {
        ClusterStore store = new ClusterStore(dataDir);

        ClusterStore.Applied created = store.apply(manifest("orders", spec(2, 1)), RELEASES);
        assertThat(created).isEqualTo(new ClusterStore.Applied(ClusterStore.Outcome.CREATED, 1));

        ClusterStore.Applied again = store.apply(manifest("orders", spec(2, 1)), RELEASES);
        assertThat(again).isEqualTo(new ClusterStore.Applied(ClusterStore.Outcome.UNCHANGED, 1));

        ClusterStore.Applied changed = store.apply(manifest("orders", spec(2, 3)), RELEASES);
        assertThat(changed).isEqualTo(new ClusterStore.Applied(ClusterStore.Outcome.CONFIGURED, 2));

        StoredCluster stored = store.get("orders").orElseThrow();
        assertThat(stored.name()).isEqualTo("orders");
        assertThat(stored.generation()).isEqualTo(2);
        assertThat(stored.spec()).isEqualTo(spec(2, 3));
        assertThat(stored.status()).isNull();
        assertThat(stored.deleting()).isFalse();

        // a fresh store on the same directory (as the CLI and the platform are) sees the same thing
        assertThat(new ClusterStore(dataDir).get("orders")).contains(stored);
    }

    @Test
    void anUnknownReleaseIsRefusedAndNothingStoredChanges() throws IOException {
        ClusterStore store = new ClusterStore(dataDir);
        store.apply(manifest("orders", spec(2, 1)), RELEASES);
        Path manifestFile = store.clusterDir("orders").resolve("manifest.yaml");
        Path metaFile = store.clusterDir("orders").resolve("cluster.json");
        String manifestBefore = Files.readString(manifestFile);
        String metaBefore = Files.readString(metaFile);
        StoredCluster before = store.get("orders").orElseThrow();

        DatabaseClusterSpec unknown = new DatabaseClusterSpec("9.9.9", 1, new AggregatorsSpec(2, 1.0),
                new LeavesSpec(2, 1.0, 20, null), Map.of(), false);
        assertThatThrownBy(() -> store.apply(manifest("orders", unknown), RELEASES))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                    assertThat(e.problems()).hasSize(1);
                    assertThat(e.problems().get(0)).startsWith("spec.release:").contains("9.9.9").contains("2.17.0");
                });
        assertThatThrownBy(() -> store.apply(manifest("fresh", unknown), RELEASES))
                .isInstanceOf(InvalidSpecException.class);

        assertThat(store.get("orders")).contains(before);
        assertThat(Files.readString(manifestFile)).isEqualTo(manifestBefore);
        assertThat(Files.readString(metaFile)).isEqualTo(metaBefore);
        assertThat(store.get("fresh")).isEmpty();
        assertThat(store.clusterDir("fresh")).doesNotExist();
        assertThat(store.list()).extracting(StoredCluster::name).containsExactly("orders");
    }

    /** Resuming started the new spec's leaves against the old baseline and lost partitions: the change waits instead. */
    @Test
    void aSuspendedClusterRefusesAResizeAndKeepsItsManifest() throws IOException {
        ClusterStore store = new ClusterStore(dataDir);
        store.apply(manifest("orders", spec(2, 3).withSuspended(true)), RELEASES);
        Path manifestFile = store.clusterDir("orders").resolve("manifest.yaml");
        String before = Files.readString(manifestFile);

        assertThatThrownBy(() -> store.apply(manifest("orders", spec(2, 2).withSuspended(true)), RELEASES))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems()).containsExactly(
                        "spec.leaves: the cluster is suspended; resume it first (suspended: false, alone), then change this"));
        assertThatThrownBy(() -> store.apply(manifest("orders", spec(2, 2)), RELEASES)).as("nor in the change that resumes it")
                .isInstanceOf(InvalidSpecException.class);
        assertThat(Files.readString(manifestFile)).isEqualTo(before);

        store.apply(manifest("orders", spec(2, 3)), RELEASES);
        assertThat(store.apply(manifest("orders", spec(2, 2)), RELEASES).outcome()).isEqualTo(ClusterStore.Outcome.CONFIGURED);
    }

    @Test
    void statusRoundTripsWithItsConditions() {
        ClusterStore store = new ClusterStore(dataDir);
        store.apply(manifest("orders", spec(2, 1)), RELEASES);
        DatabaseClusterStatus status = new DatabaseClusterStatus(Phase.Degraded,
                List.of(new Condition(Condition.READY, Condition.FALSE, "NodesDown", "leaf-ag1-0 not in the cluster", "2025-01-02T03:04:05Z"),
                        new Condition(Condition.REDUNDANCY_MET, Condition.UNKNOWN, "NotActive", "the cluster is not active", "2025-01-02T03:04:06Z")),
                1L, new NodeCounts(1, 1), new NodeCounts(1, 2), "2.17.0",
                new Endpoints("jdbc:ignite:thin://127.0.0.1:20002", List.of("127.0.0.1:20002")), null);

        store.writeStatus("orders", status);

        StoredCluster stored = new ClusterStore(dataDir).get("orders").orElseThrow();
        assertThat(stored.status()).isEqualTo(status);
        assertThat(stored.status().condition(Condition.READY)).map(Condition::reason).contains("NodesDown");
        assertThat(stored.status().isTrue(Condition.READY)).isFalse();
        // the status does not count as a spec change
        assertThat(stored.generation()).isEqualTo(1);
        assertThat(store.apply(manifest("orders", spec(2, 1)), RELEASES).outcome()).isEqualTo(ClusterStore.Outcome.UNCHANGED);
        assertThat(store.get("orders").orElseThrow().status()).isEqualTo(status);
    }

    @Test
    void aStatusForAClusterThatIsNotStoredIsDropped() {
        ClusterStore store = new ClusterStore(dataDir);
        store.writeStatus("ghost", new DatabaseClusterStatus(Phase.Ready, List.of(), 1L, null, null, null, null, null));
        assertThat(store.get("ghost")).isEmpty();
        assertThat(store.clusterDir("ghost")).doesNotExist();
    }

    @Test
    void aClusterMarkedForDeletionRefusesApply() {
        ClusterStore store = new ClusterStore(dataDir);
        store.apply(manifest("orders", spec(2, 1)), RELEASES);

        assertThat(store.markDeleting("orders")).isTrue();
        StoredCluster deleting = store.get("orders").orElseThrow();
        assertThat(deleting.deleting()).isTrue();
        assertThat(deleting.generation()).isEqualTo(1);

        assertThatThrownBy(() -> store.apply(manifest("orders", spec(1, 1)), RELEASES))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("orders").hasMessageContaining("being deleted");
        assertThatThrownBy(() -> store.apply(manifest("orders", spec(2, 1)), RELEASES))
                .isInstanceOf(IllegalStateException.class);
        StoredCluster after = store.get("orders").orElseThrow();
        assertThat(after.spec()).isEqualTo(spec(2, 1));
        assertThat(after.generation()).isEqualTo(1);
        assertThat(after.deleting()).isTrue();

        assertThat(store.markDeleting("missing")).isFalse();
        assertThat(store.get("missing")).isEmpty();
    }

    @Test
    void listIsSortedByName() {
        ClusterStore store = new ClusterStore(dataDir);
        assertThat(store.list()).isEmpty();
        for (String name : List.of("zeta", "alpha", "mid", "beta-2")) {
            store.apply(manifest(name, spec(1, 1)), RELEASES);
        }
        assertThat(store.list()).extracting(StoredCluster::name).containsExactly("alpha", "beta-2", "mid", "zeta");
        assertThat(store.list()).allSatisfy(c -> assertThat(c.generation()).isEqualTo(1));
    }
}

package dev.canopy.region.local;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import dev.canopy.api.RestoreSource;
import dev.canopy.backup.RestoreState;
import dev.canopy.core.BlueGreen;
import dev.canopy.core.ReplicaFeed;
import dev.canopy.core.ReplicationTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file store of the local region, without any process. */
class ClusterStoreTest {
    private static final List<String> RELEASES = List.of("2.17.0");

    @TempDir
    Path dataDir;
    /** What the store logs, to count its warnings. */
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(ClusterStore.class)).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(ClusterStore.class)).detachAppender(log);
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

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

    /**
     * A replica's source (or a source's replica) in another local region logs in with the secret that region keeps:
     * another store's own secret for the cluster would be one its nodes never took.
     */
    @Test
    void theSecretOfAClusterOfAnotherRegionIsTheOneThatRegionKeeps() {
        ClusterStore a = new ClusterStore(dataDir.resolve("a"));
        ClusterStore b = new ClusterStore(dataDir.resolve("b"));
        a.apply(manifest("orders", spec(2, 1)), RELEASES);
        b.apply(manifest("orders-dr", spec(2, 1)), RELEASES);
        assertThat(b.adminSecretFile("orders")).as("not told of region a").isEqualTo(b.clusterDir("orders").resolve(ClusterStore.ADMIN_SECRET_FILE));

        a.otherRegions(List.of(b));
        b.otherRegions(List.of(a));
        assertThat(b.adminSecretFile("orders")).isEqualTo(a.adminSecretFile("orders"))
                .isEqualTo(a.clusterDir("orders").resolve(ClusterStore.ADMIN_SECRET_FILE));
        assertThat(b.adminSecretFile("orders.b")).as("green of a's cluster").isEqualTo(a.adminSecretFile("orders"));
        assertThat(b.authenticationMarker("orders.b")).isEqualTo(a.clusterDir("orders.b").resolve("authentication"));
        assertThat(a.adminSecretFile("orders-dr")).isEqualTo(b.clusterDir("orders-dr").resolve(ClusterStore.ADMIN_SECRET_FILE));
        assertThat(a.authenticationMarker("orders-dr")).isEqualTo(b.authenticationMarker("orders-dr"));
        assertThat(b.adminSecretFile("orders-dr")).as("its own cluster").isEqualTo(b.clusterDir("orders-dr").resolve(ClusterStore.ADMIN_SECRET_FILE));
        assertThat(b.adminSecretFile("nowhere")).as("a cluster of no region").isEqualTo(b.clusterDir("nowhere")
                .resolve(ClusterStore.ADMIN_SECRET_FILE));
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

    /** A local user read a value out of a leaf's write-ahead log: the data directory is its owner's only. */
    @Test
    void aBackupDirectoryOutsideTheRegionsBackupDirectoryIsRefusedAndOneInsideTaken() {
        ClusterStore store = new ClusterStore(dataDir);
        store.apply(manifest("orders", spec(2, 1)), RELEASES);
        Path root = RegionBackups.defaultDirectory(dataDir);
        for (String outside : List.of("/etc", dataDir.toString(), root + "/../secrets")) {
            DatabaseClusterSpec toOutside = spec(2, 1).withBackup(new dev.canopy.api.BackupSpec("6h", 3,
                    new dev.canopy.api.BackupDestinationSpec(outside, null)));
            assertThatThrownBy(() -> store.apply(manifest("orders", toOutside), RELEASES))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("spec.backup.destination.directory: must be under " + root
                            + " (the region's backup directory; the platform writes nowhere else of this machine), got " + outside);
        }
        assertThat(store.get("orders").orElseThrow().generation()).as("nothing stored changed").isEqualTo(1);

        DatabaseClusterSpec inside = spec(2, 1).withBackup(new dev.canopy.api.BackupSpec("6h", 3,
                new dev.canopy.api.BackupDestinationSpec(root.resolve("acme").toString(), null)));
        assertThat(store.apply(manifest("orders", inside), RELEASES).generation()).isEqualTo(2);
        assertThatThrownBy(() -> new RegionBackups(store).destination(new dev.canopy.api.BackupDestinationSpec("/tmp", null)))
                .hasMessageStartingWith("directory: must be under " + root);
    }

    @Test
    void theDataDirectoryIsReadableByItsOwnerOnly() throws IOException {
        Path fresh = dataDir.resolve("fresh");
        new ClusterStore(fresh).apply(manifest("orders", spec(2, 1)), RELEASES);
        assertThat(java.nio.file.Files.getPosixFilePermissions(fresh)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

        Path older = Files.createDirectories(dataDir.resolve("older"));
        Files.setPosixFilePermissions(older, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        PlatformLock.acquire(older).orElseThrow().close();
        assertThat(Files.getPosixFilePermissions(older)).as("tightened at the platform's start")
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    /** A scale-out of a 2.16 cluster failed after it was stored (and the cluster stayed Failed): refused up front now. */
    @Test
    void aResizeOfAnOlderEngineAndADowngradeAreRefusedUpFront() {
        ClusterStore store = new ClusterStore(dataDir);
        store.apply(manifest("legacy", spec(2, 1).withRelease("2.16.0")), List.of("2.16.0", "2.17.0"));
        assertThatThrownBy(() -> store.apply(manifest("legacy", spec(2, 2).withRelease("2.16.0")), List.of("2.16.0", "2.17.0")))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems()).singleElement().asString()
                        .startsWith("spec.leaves.count: the leaves cannot be added or removed on release 2.16.0"));
        store.apply(manifest("legacy", spec(2, 1)), List.of("2.16.0", "2.17.0"));
        assertThatThrownBy(() -> store.apply(manifest("legacy", spec(2, 1).withRelease("2.16.0")), List.of("2.16.0", "2.17.0")))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems()).singleElement().asString()
                        .startsWith("spec.release: 2.16.0 is an older engine than the cluster's 2.17.0"));
        assertThat(store.get("legacy").orElseThrow().spec().release()).isEqualTo("2.17.0");
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

    /** How a file is found damaged: a full disk, a crash half-way through a copy, a stray edit. */
    enum Damage {
        EMPTY(content -> ""),
        TRUNCATED(content -> content.substring(0, content.length() / 2)),
        GARBLED(content -> "\u0000\u0001 }{ :: [");

        final UnaryOperator<String> of;

        Damage(UnaryOperator<String> of) {
            this.of = of;
        }
    }

    private static void damage(Path file, Damage damage) throws IOException {
        Files.writeString(file, damage.of.apply(Files.readString(file)));
    }

    private static DatabaseClusterStatus ready(long generation) {
        return new DatabaseClusterStatus(Phase.Ready,
                List.of(new Condition(Condition.READY, Condition.TRUE, "Ready", "every node is up", "2025-01-02T03:04:05Z")),
                generation, new NodeCounts(1, 1), new NodeCounts(2, 2), "2.17.0",
                new Endpoints("jdbc:ignite:thin://127.0.0.1:20002", List.of("127.0.0.1:20002")), null);
    }

    /** Two clusters, each with a status: alpha stays whole, orders gets a damaged file. */
    private ClusterStore twoClusters() {
        ClusterStore store = new ClusterStore(dataDir);
        store.apply(manifest("alpha", spec(1, 1)), RELEASES);
        store.apply(manifest("orders", spec(2, 1)), RELEASES);
        store.writeStatus("alpha", ready(1));
        store.writeStatus("orders", ready(1));
        return store;
    }

    /** Damaged, Failed, and saying in one line which file, why, and what to do. */
    private static void assertDamaged(StoredCluster cluster, Path file) {
        assertThat(cluster.damaged()).isTrue();
        assertThat(cluster.damage()).contains(file.toString()).doesNotContain("\n");
        assertThat(cluster.status().phase()).isEqualTo(Phase.Failed);
        Condition ready = cluster.status().condition(Condition.READY).orElseThrow();
        assertThat(ready.status()).isEqualTo(Condition.FALSE);
        assertThat(ready.reason()).isEqualTo(ClusterStore.RECORD_DAMAGED);
        assertThat(ready.message()).startsWith(cluster.damage()).contains("the region does not reconcile the cluster")
                .endsWith("restore the file, or delete the cluster").doesNotContain("\n");
        assertThat(cluster.status().condition(Condition.PROGRESSING)).map(Condition::reason).contains(ClusterStore.RECORD_DAMAGED);
        assertThat(cluster.status().observedGeneration()).as("nothing was observed of it").isNull();
    }

    /** One truncated status.json stopped the whole platform from starting: it is an observation, made again. */
    @ParameterizedTest
    @EnumSource(Damage.class)
    void aDamagedStatusIsTakenAsNoneWithOneWarning(Damage kind) throws IOException {
        ClusterStore store = twoClusters();
        StoredCluster alpha = store.get("alpha").orElseThrow();
        Path statusFile = store.clusterDir("orders").resolve("status.json");
        damage(statusFile, kind);
        String damaged = Files.readString(statusFile);

        List<StoredCluster> listed = store.list();
        assertThat(listed).extracting(StoredCluster::name).containsExactly("alpha", "orders");
        assertThat(listed.get(0)).isEqualTo(alpha);
        StoredCluster orders = listed.get(1);
        assertThat(orders.damaged()).as("the desired state is whole").isFalse();
        assertThat(orders.status()).isNull();
        assertThat(orders.spec()).isEqualTo(spec(2, 1));
        assertThat(orders.generation()).isEqualTo(1);
        assertThat(store.get("orders")).contains(orders);
        assertThat(Files.readString(statusFile)).as("read, not rewritten").isEqualTo(damaged);

        store.list();
        assertThat(warnings()).as("once, not once per listing").singleElement().asString()
                .contains(statusFile.toString()).contains("taken as no status").doesNotContain("\n");

        // the region's next pass writes a new one
        store.writeStatus("orders", ready(1));
        assertThat(store.get("orders").orElseThrow().status()).isEqualTo(ready(1));
    }

    static Stream<Arguments> desiredStateDamages() {
        return Stream.of("manifest.yaml", "cluster.json")
                .flatMap(file -> Arrays.stream(Damage.values()).map(kind -> Arguments.of(file, kind)));
    }

    @ParameterizedTest
    @MethodSource("desiredStateDamages")
    void aDamagedManifestOrClusterJsonIsADamagedRecordAndTheOthersListAsBefore(String fileName, Damage kind) throws IOException {
        ClusterStore store = twoClusters();
        StoredCluster alpha = store.get("alpha").orElseThrow();
        Path file = store.clusterDir("orders").resolve(fileName);
        damage(file, kind);
        String damaged = Files.readString(file);

        List<StoredCluster> listed = store.list();
        assertThat(listed).extracting(StoredCluster::name).containsExactly("alpha", "orders");
        assertThat(listed.get(0)).isEqualTo(alpha);
        StoredCluster orders = listed.get(1);
        assertDamaged(orders, file);
        assertThat(orders.generation()).as("claimed by no spec").isZero();
        assertThat(orders.deleting()).isFalse();
        assertThat(orders.spec()).isEqualTo(fileName.equals("manifest.yaml") ? null : spec(2, 1));
        assertThat(store.get("orders")).contains(orders);
        assertThat(warnings()).singleElement().asString().startsWith("cluster orders: " + file);
        assertThat(new ClusterStore(dataDir).get("orders")).as("the CLI sees it alike").contains(orders);
        assertThat(Files.readString(file)).as("read, not rewritten").isEqualTo(damaged);
    }

    @Test
    void aMissingClusterJsonIsADamagedRecord() throws IOException {
        ClusterStore store = twoClusters();
        Path file = store.clusterDir("orders").resolve("cluster.json");
        Files.delete(file);

        StoredCluster orders = store.get("orders").orElseThrow();
        assertDamaged(orders, file);
        assertThat(orders.damage()).isEqualTo(file + " is missing");
        assertThat(store.list()).extracting(StoredCluster::name).containsExactly("alpha", "orders");
    }

    @Test
    void theDamageSaysWhyInOneLine() throws IOException {
        ClusterStore store = twoClusters();
        Path meta = store.clusterDir("orders").resolve("cluster.json");
        Files.writeString(meta, "{\n  \"generation\" : 1,\n");
        assertThat(store.get("orders").orElseThrow().damage()).startsWith(meta + " is not valid JSON: Unexpected end-of-input")
                .contains("(line 3, column 1)");

        Files.writeString(meta, "{\"generation\": \"three\"}");
        assertThat(store.get("orders").orElseThrow().damage()).startsWith(meta + " holds other JSON than it should: ")
                .contains("three");

        Path manifest = store.clusterDir("orders").resolve("manifest.yaml");
        Files.writeString(manifest, Files.readString(manifest).replace("spec:", "spec: [\n"));
        Files.delete(meta);
        assertThat(store.get("orders").orElseThrow().damage()).as("each damaged file")
                .startsWith(manifest + " is not a valid manifest: not valid YAML")
                .endsWith("; " + meta + " is missing");
    }

    /** The region's own records beside the spec: which deployment serves, an upgrade's, a feed's, replication, a restore. */
    static Stream<Arguments> regionStateDamages() {
        return Stream.of(ClusterStore.DEPLOYMENT_FILE, ClusterStore.BLUE_GREEN_FILE, ClusterStore.REPLICA_FILE,
                        ClusterStore.REPLICATION_FILE, ClusterStore.RESTORE_FILE)
                .flatMap(file -> Arrays.stream(Damage.values()).map(kind -> Arguments.of(file, kind)));
    }

    @ParameterizedTest
    @MethodSource("regionStateDamages")
    void aDamagedFileOfTheRegionsStateIsADamagedRecord(String fileName, Damage kind) throws IOException {
        ClusterStore store = twoClusters();
        store.writeDeployment("orders", "orders.b");
        store.writeBlueGreen("orders", BlueGreen.Progress.start("2.16.0", "2.17.0", "orders", "orders.b", 1,
                Instant.parse("2025-01-02T03:04:05Z")));
        store.writeReplica("orders", ReplicaFeed.Progress.start("local", "source"));
        store.writeReplication("orders", Optional.of(new ReplicationTarget("green", List.of("127.0.0.1:10800"))));
        store.writeRestore("orders", RestoreState.pending(new RestoreSource("orders-20250102-030405", null)));
        StoredCluster alpha = store.get("alpha").orElseThrow();
        assertThat(store.get("orders").orElseThrow().damaged()).isFalse();
        Path file = store.clusterDir("orders").resolve(fileName);
        damage(file, kind);
        String damaged = Files.readString(file);

        assertThat(store.list()).extracting(StoredCluster::name).containsExactly("alpha", "orders");
        assertThat(store.get("alpha")).contains(alpha);
        StoredCluster orders = store.get("orders").orElseThrow();
        assertDamaged(orders, file);
        assertThat(orders.spec()).isEqualTo(spec(2, 1));
        assertThat(orders.generation()).isEqualTo(1);
        assertThat(Files.readString(file)).isEqualTo(damaged);
    }

    @Test
    void aDamagedRecordRefusesChangesButCanBeDeleted() throws IOException {
        ClusterStore store = twoClusters();
        Path manifestFile = store.clusterDir("orders").resolve("manifest.yaml");
        damage(manifestFile, Damage.TRUNCATED);
        String damaged = Files.readString(manifestFile);

        assertThatThrownBy(() -> store.apply(manifest("orders", spec(2, 3)), RELEASES))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cluster orders cannot be changed: " + manifestFile)
                .hasMessageEndingWith("restore the file, or delete the cluster");
        assertThat(store.writeReplication("orders", Optional.of(new ReplicationTarget("green", List.of("127.0.0.1:10800")))))
                .isFalse();
        assertThat(store.clusterDir("orders").resolve(ClusterStore.REPLICATION_FILE)).doesNotExist();
        assertThat(Files.readString(manifestFile)).isEqualTo(damaged);

        assertThat(store.markDeleting("orders")).isTrue();
        StoredCluster orders = store.get("orders").orElseThrow();
        assertThat(orders.deleting()).isTrue();
        assertDamaged(orders, manifestFile);
        assertThat(store.get("alpha").orElseThrow().deleting()).isFalse();
    }

    @Test
    void aRepairedRecordIsWholeAgain() throws IOException {
        ClusterStore store = twoClusters();
        StoredCluster before = store.get("orders").orElseThrow();
        Path meta = store.clusterDir("orders").resolve("cluster.json");
        String whole = Files.readString(meta);
        damage(meta, Damage.GARBLED);
        assertThat(store.get("orders").orElseThrow().damaged()).isTrue();

        Files.writeString(meta, whole);
        assertThat(store.get("orders")).contains(before);
        damage(meta, Damage.EMPTY);
        store.list();
        assertThat(warnings()).as("a damage after a repair is said again").hasSize(2);
    }
}

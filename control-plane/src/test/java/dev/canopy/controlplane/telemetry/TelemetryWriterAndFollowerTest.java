package dev.canopy.controlplane.telemetry;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.controlplane.store.ClusterRecord;
import dev.canopy.controlplane.store.ControlPlaneStore;
import dev.canopy.controlplane.store.Organization;
import dev.canopy.controlplane.store.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The shared telemetry on a real database, H2 and PostgreSQL: the holder's writer, every replica's follower. */
class TelemetryWriterAndFollowerTest {
    private static final Instant T0 = Instant.parse("2026-12-08T10:00:00Z");
    private static final Duration KEPT = Duration.ofMinutes(15);
    private static final DatabaseClusterSpec SPEC = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5),
            new LeavesSpec(2, 0.5, 10, null), Map.of(), null);
    private static final int CLUSTERS = 20;
    /** More samples in all than a page of the follower's: a replica starting late reads them a page at a time. */
    private static final int SAMPLES_EACH = 60;

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void samplesTakenOnManyThreadsReachEveryFollowerAllAndInOrderAndADeletedClustersHistoryGoes(TestDatabases database)
            throws Exception {
        try (ControlPlaneStore store = database.open()) {
            List<TelemetryHistory.Key> keys = withClusters(store, CLUSTERS);
            TelemetryLog log = new TelemetryLog(store);
            TelemetryHistory following = new TelemetryHistory(100);
            Map<TelemetryHistory.Key, List<ClusterSample>> taken = new java.util.concurrent.ConcurrentHashMap<>();
            try (TelemetryFollower follower = new TelemetryFollower(log, following).start(Duration.ofMillis(10));
                 TelemetryWriter writer = new TelemetryWriter(log, Clock.systemUTC(), KEPT, () -> true);
                 ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor()) {
                // one thread per cluster, as the sampler probes: their samples end in any order across clusters
                for (TelemetryHistory.Key key : keys) {
                    probes.execute(() -> {
                        List<ClusterSample> samples = new ArrayList<>();
                        for (int i = 0; i < SAMPLES_EACH; i++) {
                            ClusterSample sample = sample(i, i * 10L, samples.isEmpty() ? null : samples.getLast());
                            samples.add(sample);
                            writer.accept(key, sample);
                        }
                        taken.put(key, samples);
                    });
                }
                // read while they are written: a follower reading after the last id it read misses none
                await("every sample read").atMost(Duration.ofSeconds(30))
                        .until(() -> keys.stream().allMatch(k -> following.samples(k).size() == SAMPLES_EACH));
            }
            for (TelemetryHistory.Key key : keys) {
                assertThat(following.samples(key)).as("%s, as taken", key).isEqualTo(taken.get(key));
            }
            assertThat(following.latest(keys.getFirst()).orElseThrow().queriesPerSecond()).isEqualTo(10.0);

            // a replica started later reads them all, a page at a time
            TelemetryHistory late = new TelemetryHistory(100);
            TelemetryFollower lateFollower = new TelemetryFollower(log, late);
            lateFollower.read();
            assertThat(late.keys()).containsExactlyInAnyOrderElementsOf(keys);
            assertThat(late.samples(keys.getLast())).isEqualTo(taken.get(keys.getLast()));

            // a cluster deleted: its samples go from the store and its history from every replica on its next read
            TelemetryHistory.Key deleted = keys.getFirst();
            assertThat(store.<Boolean>transaction(tx -> tx.deleteCluster(deleted.organization(), deleted.cluster(), 1))).isTrue();
            lateFollower.read();
            assertThat(late.keys()).hasSize(CLUSTERS - 1).doesNotContain(deleted);
            TelemetryHistory fresh = new TelemetryHistory(100);
            new TelemetryFollower(log, fresh).read();
            assertThat(fresh.keys()).doesNotContain(deleted);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void aReplicaWithoutTheDutiesWritesNothingAndTheHolderDeletesWhatIsPastTheTimeKept(TestDatabases database) {
        try (ControlPlaneStore store = database.open()) {
            TelemetryHistory.Key orders = withClusters(store, 1).getFirst();
            TelemetryLog log = new TelemetryLog(store);
            // 5 s past the time kept of the first sample: the first 5 are past it
            Clock now = Clock.fixed(T0.plus(KEPT).plusSeconds(5), ZoneOffset.UTC);

            TelemetryWriter notHolding = new TelemetryWriter(log, now, KEPT, () -> false);
            notHolding.accept(orders, sample(0, 0, null));
            notHolding.close();
            assertThat(log.after(0, 100).entries()).isEmpty();

            TelemetryWriter holding = new TelemetryWriter(log, now, KEPT, () -> true);
            IntStream.range(0, 8).forEach(i -> holding.accept(orders, sample(i, i, null)));
            holding.close();
            assertThat(log.after(0, 100).entries()).hasSize(8);
            holding.deleteOld();
            assertThat(log.after(0, 100).entries()).extracting(e -> e.sample().at())
                    .containsExactly(T0.plusSeconds(5), T0.plusSeconds(6), T0.plusSeconds(7));
            notHolding.deleteOld();
            assertThat(log.after(0, 100).entries()).hasSize(3);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void anUnreadableSampleIsSkippedAndTheOnesAfterItAreRead(TestDatabases database) throws Exception {
        TestDatabases.Fresh db = database.fresh();
        try (ControlPlaneStore store = db.open()) {
            TelemetryHistory.Key orders = withClusters(store, 1).getFirst();
            TelemetryLog log = new TelemetryLog(store);
            try (Connection sql = DriverManager.getConnection(db.url(), db.user(), null);
                 PreparedStatement insert = sql.prepareStatement("INSERT INTO telemetry_samples (organization, cluster, sampled_at,"
                         + " sample) VALUES ('acme', 'c0', CURRENT_TIMESTAMP, '{\"at\": \"not a time\"}')")) {
                insert.executeUpdate();
            }
            // a field a later version may add is no reason to skip the sample
            try (Connection sql = DriverManager.getConnection(db.url(), db.user(), null);
                 PreparedStatement insert = sql.prepareStatement("INSERT INTO telemetry_samples (organization, cluster, sampled_at,"
                         + " sample) VALUES ('acme', 'c0', CURRENT_TIMESTAMP, ?)")) {
                insert.setString(1, dev.canopy.controlplane.json.Json.write(sample(0, 0, null))
                        .replaceFirst("\\{", "{\"addedLater\": 1, "));
                insert.executeUpdate();
            }
            log.append(List.of(new TelemetryLog.Entry(0, orders, sample(1, 10, null))));
            TelemetryLog.Page page = log.after(0, 2);
            assertThat(page.entries()).extracting(e -> e.sample().at()).containsExactly(T0);
            assertThat(page.full()).isTrue();

            TelemetryHistory history = new TelemetryHistory(10);
            new TelemetryFollower(log, history).read();
            assertThat(history.samples(orders)).extracting(ClusterSample::at).containsExactly(T0, T0.plusSeconds(1));
        }
    }

    /** An organization with clusters c0, c1, ...: a sample is written only while its cluster has a record. */
    private static List<TelemetryHistory.Key> withClusters(ControlPlaneStore store, int count) {
        store.transaction(tx -> {
            tx.insertOrganization(new Organization("acme", T0));
            for (int i = 0; i < count; i++) {
                tx.insertCluster(new ClusterRecord("acme", "c" + i, "local", "acme-c" + i, SPEC, 1, 1, T0, T0));
            }
            return null;
        });
        return IntStream.range(0, count).mapToObj(i -> new TelemetryHistory.Key("acme", "c" + i)).toList();
    }

    private static ClusterSample sample(int second, long queries, ClusterSample previous) {
        EngineReading reading = new EngineReading(SamplesTest.READING.nodes(), SamplesTest.READING.tables(), queries,
                SamplesTest.READING.topQueries());
        return Samples.of(T0.plusSeconds(second), SamplesTest.READY, reading, null, previous);
    }
}

package dev.canopy.region.local;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.ReplicationStatus;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.workload.PhaseStats;
import dev.canopy.workload.Verification;
import dev.canopy.workload.Workload;
import dev.canopy.workload.WorkloadOptions;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica cluster in a second local region, on real processes: the source (region {@code a}, no capture declared)
 * takes two writers and a reader; the replica (region {@code b}, {@code replicaOf: {cluster: orders, region: a}}) gets
 * the source's rows written before it existed and every change after, with its lag in its status (printed). Then the
 * source's nodes and captures are killed with -9 and its region goes away; the replica is promoted (replicaOf removed)
 * and takes writes. The acknowledged writes it lacks are printed, and must be no more than the source wrote in the
 * last lag the replica reported (plus a second and a half of slack).
 */
class ReplicaProcessesTest extends TwoRegionsTest {
    private static final int ACCOUNTS = 300;

    @Test
    void aReplicaInAnotherRegionIsFedWithItsLagShownAndPromotedWhenItsSourceIsLost() throws Exception {
        startRegions();

        long generation = a.apply("orders", spec());
        String url = a.awaitPhase("orders", generation, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        try (Connection sql = DriverManager.getConnection(url, a.login("orders")); Statement st = sql.createStatement()) {
            st.execute("CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR, balance BIGINT) WITH \"template=canopy\"");
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO accounts VALUES (?, ?, ?)")) {
                for (int i = 0; i < ACCOUNTS; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "owner-" + i);
                    insert.setLong(3, i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }

        Workload load = Workload.start(WorkloadOptions.defaults(url, "orders").withTableOptions("template=canopy")
                .withLogin(a.login("orders")).withWriters(2, 40).withReaders(1, 40).withStatementTimeout(Duration.ofSeconds(10)));
        try {
            await("the load runs").atMost(Duration.ofMinutes(1)).until(() -> load.progress().writesOk() >= 100);
            DatabaseClusterSpec replicaSpec = spec().withReplicaOf(new ReplicaOfSpec("orders", "a"));
            long replicaGeneration = b.apply("orders-dr", replicaSpec);
            DatabaseClusterStatus streaming = b.awaitStatus("orders-dr", "streaming from a/orders (failures so far: " + b.failures
                            + a.failures + ")", s -> s.replication() != null && s.replication().state().startsWith("Streaming")
                            && s.replication().lagSeconds() != null, Duration.ofMinutes(5));
            assertThat(streaming.observedGeneration()).isEqualTo(replicaGeneration);
            assertThat(streaming.replication().rowsCopied()).as("rows copied before streaming").isGreaterThanOrEqualTo(ACCOUNTS);
            String replicaUrl = streaming.endpoints().jdbcUrl();

            // the changes written during the copy stream first: live once the lag is down to a few seconds
            long caughtUpFrom = System.nanoTime();
            b.awaitStatus("orders-dr", "the replica caught up with the writes made during its copy", s -> s.replication() != null
                    && s.replication().lagSeconds() != null && s.replication().lagSeconds() < 5, Duration.ofMinutes(3));
            System.out.printf("replica live (lag under 5 s) %.1f s after streaming began%n", (System.nanoTime() - caughtUpFrom) / 1e9);
            load.cut("the replica catching up");

            // the lag as the replica's status reports it, every half second for 15 s of steady load
            List<Double> lags = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < until) {
                ReplicationStatus replication = b.status("orders-dr").replication();
                if (replication.lagSeconds() != null) {
                    lags.add(replication.lagSeconds());
                }
                Thread.sleep(500); // sampling a figure, not synchronizing
            }
            PhaseStats steady = load.cut("steady, the replica fed");
            double[] sorted = lags.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("replica lag in its status, %d samples over 15 s: p50 %.1f s, max %.1f s; %s%n", sorted.length,
                    sorted[sorted.length / 2], sorted[sorted.length - 1], steady);
            assertThat(sorted[sorted.length / 2]).as("median lag").isLessThan(15.0);
            assertThat(count(replicaUrl, b.login("orders-dr"), "accounts")).as("rows from before the replica existed").isEqualTo(ACCOUNTS);

            // the source is lost: every node and capture killed, its region gone
            double lastLag = b.status("orders-dr").replication().lagSeconds();
            double writesPerSecond = steady.writesOk() / (steady.duration().toMillis() / 1000.0);
            for (NodeId node : DesiredNodes.all(spec())) {
                a.runtime.capturePid("orders", node).ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                a.runtime.pid("orders", node).ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            }
            a.close();
            a = null;
            b.region.regions("b", Map.of());
            load.close();
            System.out.println(load.cut("source killed"));

            // promotion is a spec change: the replica no longer names a source
            b.apply("orders-dr", spec());
            DatabaseClusterStatus promoted = b.awaitStatus("orders-dr", "promoted", s -> s.replication() != null
                    && s.replication().promotedAt() != null, Duration.ofMinutes(1));
            System.out.println("promotion: " + promoted.replication());
            assertThat(promoted.replication().sourceFenced()).as("the source could not be reached").isFalse();

            Verification onReplica = load.verifyAt(replicaUrl, b.login("orders-dr"), Duration.ofSeconds(60));
            long bound = (long) Math.ceil(writesPerSecond * (lastLag + 1.5));
            System.out.printf("promoted replica: %d of %d acknowledged writes missing (the source wrote %.0f/s; last lag %.1f s;"
                    + " bound %d)%n", onReplica.missingIds().size(), onReplica.acknowledged(), writesPerSecond, lastLag, bound);
            assertThat(onReplica.complete()).isTrue();
            assertThat((long) onReplica.missingIds().size()).as("writes lost by the promotion").isLessThanOrEqualTo(bound);

            try (Connection sql = DriverManager.getConnection(replicaUrl, b.login("orders-dr")); Statement st = sql.createStatement()) {
                assertThat(st.executeUpdate("UPDATE accounts SET balance = balance + 1 WHERE id = 1")).as("the promoted replica takes writes")
                        .isEqualTo(1);
            }
        } finally {
            load.close();
        }
    }

    private static long count(String url, Properties login, String table) throws Exception {
        try (Connection sql = DriverManager.getConnection(url, login); Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package dev.canopy.workload;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A workload against one healthy in-process Ignite node. */
class WorkloadSteadyClusterTest {
    private static final Duration PROGRESS = Duration.ofSeconds(30);

    @TempDir
    static Path workDir;
    private static TestNode node;

    @BeforeAll
    static void startNode() {
        node = TestNode.start(workDir);
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aSteadyClusterAcknowledgesWritesAndLosesNone() throws Exception {
        WorkloadOptions options = WorkloadOptions.defaults(node.jdbcUrl(), "steady").withWriters(2, 100)
                .withReaders(2, 100).withTableOptions("template=partitioned");
        try (Workload load = Workload.start(options)) {
            await().atMost(PROGRESS).until(() -> load.progress().writesOk() >= 200 && load.progress().readsOk() >= 100);
            PhaseStats steady = load.cut("steady");
            System.out.println(steady);

            assertThat(steady.writesOk()).isGreaterThanOrEqualTo(200);
            assertThat(steady.writesFailed()).isZero();
            assertThat(steady.readsOk()).isGreaterThanOrEqualTo(100);
            assertThat(steady.readsFailed()).isZero();
            assertThat(steady.readsLost()).isZero();
            assertThat(steady.longestErrorWindow()).isZero();
            assertThat(steady.writeMax()).isPositive().isGreaterThanOrEqualTo(steady.writeP99());

            // verification runs while the writers go on
            Verification verification = load.verify(Duration.ofSeconds(30));
            System.out.println(verification);
            assertThat(verification.complete()).isTrue();
            assertThat(verification.missingIds()).isEmpty();
            assertThat(verification.acknowledged()).isGreaterThanOrEqualTo(steady.writesOk());
            assertThat(verification.found()).isEqualTo(verification.acknowledged());
            assertThat(verification.inDoubt()).isZero();
            assertThat(verification.ok()).isTrue();
        }
        // an observer of its own sees the rows the workload says it wrote, with the content it says
        long rowCount = 0;
        Set<Integer> writers = new HashSet<>();
        try (Connection sql = new Sql(node.jdbcUrl(), Duration.ofSeconds(10)).open();
             Statement st = sql.createStatement();
             ResultSet rows = st.executeQuery("SELECT id, writer, payload FROM steady")) {
            while (rows.next()) {
                rowCount++;
                writers.add(rows.getInt(2));
                assertThat(rows.getString(3)).isEqualTo("canopy-workload-" + rows.getLong(1));
            }
        }
        assertThat(rowCount).isGreaterThanOrEqualTo(200);
        assertThat(writers).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void aDeadAddressInTheUrlIsSkipped() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String url = "jdbc:ignite:thin://127.0.0.1:" + closed + ",127.0.0.1:" + node.sqlPort();
        try (Workload load = Workload.start(WorkloadOptions.defaults(url, "two_addresses").withReaders(2, 50))) {
            await().atMost(PROGRESS).until(() -> load.progress().writesOk() >= 100);
            PhaseStats phase = load.cut("dead address first");
            System.out.println(phase);
            assertThat(phase.writesFailed()).isZero();
            assertThat(phase.readsFailed()).isZero();
            assertThat(phase.readsLost()).isZero();
            assertThat(load.verify(Duration.ofSeconds(30)).ok()).isTrue();
        }
    }

    @Test
    void aSecondWorkloadOnTheSameTableGoesOnAfterTheFirstOnesIds() {
        WorkloadOptions options = WorkloadOptions.defaults(node.jdbcUrl(), "reused").withWriters(2, 100);
        long firstAcknowledged;
        try (Workload first = Workload.start(options)) {
            await().atMost(PROGRESS).until(() -> first.progress().writesOk() >= 50);
            first.close();
            firstAcknowledged = first.progress().writesOk();
        }
        try (Workload second = Workload.start(options)) {
            await().atMost(PROGRESS).until(() -> second.progress().writesOk() >= 50);
            PhaseStats phase = second.cut("second workload");
            // an id reused from the first workload would fail on the duplicate key
            assertThat(phase.writesFailed()).isZero();
            Verification verification = second.verify(Duration.ofSeconds(30));
            assertThat(verification.ok()).isTrue();
            assertThat(verification.acknowledged()).isGreaterThanOrEqualTo(50);
        }
        assertThat(firstAcknowledged).isGreaterThanOrEqualTo(50);
    }

    @Test
    void startGivesUpWhenNoNodeAnswersWithinTheSetupTimeout() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        WorkloadOptions options = WorkloadOptions.defaults("jdbc:ignite:thin://127.0.0.1:" + closed, "nowhere")
                .withSetupTimeout(Duration.ofSeconds(1));
        assertThatThrownBy(() -> Workload.start(options))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("could not set up table nowhere");
    }

    @Test
    void optionsRejectWhatWouldBreakTheSqlText() {
        assertThatThrownBy(() -> WorkloadOptions.defaults(node.jdbcUrl(), "t; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkloadOptions.defaults(node.jdbcUrl(), "t").withTableOptions("a\" , b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkloadOptions.defaults(node.jdbcUrl(), "t").withWriters(0, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkloadOptions.defaults("jdbc:postgresql://x", "t"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

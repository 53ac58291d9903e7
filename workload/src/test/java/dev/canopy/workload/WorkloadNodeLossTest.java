package dev.canopy.workload;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The only node stops and a new, empty one takes its ports: the workload must count the failures and the error
 * window, and then catch the data loss both in its reads and in its verification.
 */
class WorkloadNodeLossTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path workDir;
    private TestNode node;

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void countsFailuresWhileTheNodeIsGoneAndLostWritesWhenItComesBackEmpty() throws Exception {
        node = TestNode.start(workDir);
        WorkloadOptions options = WorkloadOptions.defaults(node.jdbcUrl(), "doomed").withWriters(2, 50)
                .withReaders(1, 50).withStatementTimeout(Duration.ofSeconds(3));
        try (Workload load = Workload.start(options)) {
            await().atMost(WAIT).until(() -> load.progress().writesOk() >= 100);
            PhaseStats steady = load.cut("steady");
            System.out.println(steady);
            assertThat(steady.writesFailed()).isZero();
            assertThat(steady.readsLost()).isZero();

            node.stop();
            // each writer's next insert fails; after that, its reconnects fail without spending ids
            await().atMost(WAIT).until(() -> load.progress().writesFailed() >= 2 && load.progress().readsFailed() >= 1);
            long acknowledgedBeforeTheLoss = load.progress().writesOk();
            Verification unreachable = load.verify(Duration.ofSeconds(1));
            System.out.println(unreachable);
            PhaseStats down = load.cut("node down");
            System.out.println(down);
            assertThat(down.writesFailed()).isPositive();
            assertThat(down.readsFailed()).isPositive();
            assertThat(down.longestErrorWindow()).isPositive();
            assertThat(unreachable.complete()).isFalse();
            assertThat(unreachable.ok()).isFalse();
            // nothing could be read, so nothing counts as found
            assertThat(unreachable.missingIds()).hasSize((int) unreachable.acknowledged());

            node.start();
            // the new node has no table: the test plays an operator who recreates it, the writers never do
            try (Connection sql = new Sql(node.jdbcUrl(), Duration.ofSeconds(10)).open();
                 Statement st = sql.createStatement()) {
                st.executeUpdate("CREATE TABLE IF NOT EXISTS doomed (id BIGINT PRIMARY KEY, writer INT, payload VARCHAR)");
            }
            await().atMost(WAIT).until(() -> load.progress().writesOk() >= acknowledgedBeforeTheLoss + 50
                    && load.progress().readsLost() > 0);
            PhaseStats back = load.cut("back, empty");
            System.out.println(back);
            assertThat(back.readsLost()).isPositive();
            // the windows that opened while the node was down closed only now, measured from their start
            assertThat(back.longestErrorWindow()).isGreaterThanOrEqualTo(down.longestErrorWindow());

            Verification verification = load.verify(WAIT);
            System.out.println(verification);
            assertThat(verification.complete()).isTrue();
            assertThat(verification.ok()).isFalse();
            // exactly the writes acknowledged by the node that went away are missing; the new node's are all there
            assertThat(verification.missingIds()).hasSize((int) acknowledgedBeforeTheLoss);
            assertThat(verification.found()).isEqualTo(verification.acknowledged() - acknowledgedBeforeTheLoss);
        }
    }

    @Test
    void closeReturnsPromptlyOnADeadClusterAndLeavesNoThreadBehind() {
        node = TestNode.start(workDir);
        Duration statementTimeout = Duration.ofSeconds(2);
        Workload load = Workload.start(WorkloadOptions.defaults(node.jdbcUrl(), "abandoned").withWriters(2, 50)
                .withReaders(2, 50).withStatementTimeout(statementTimeout));
        await().atMost(WAIT).until(() -> load.progress().writesOk() >= 20);
        node.stop();
        await().atMost(WAIT).until(() -> load.progress().writesFailed() >= 2);

        long start = System.nanoTime();
        load.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(statementTimeout.plusSeconds(1));
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(
                t -> t.isAlive() && t.getName().matches("workload-(writer|reader)-\\d+"));
        // closing twice is harmless, and statistics stay readable after the close
        load.close();
        assertThat(load.cut("after close").writesOk()).isGreaterThanOrEqualTo(0);
    }
}

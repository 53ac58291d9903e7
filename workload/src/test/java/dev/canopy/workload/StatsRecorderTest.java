package dev.canopy.workload;

import dev.canopy.workload.StatsRecorder.Kind;
import dev.canopy.workload.StatsRecorder.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatsRecorderTest {

    private static long ms(long millis) {
        return millis * 1_000_000L;
    }

    @Test
    void countsStatementsAndLatenciesOfSuccessfulOnesPerPhase() {
        StatsRecorder stats = new StatsRecorder(ms(0));
        stats.record("writer-0", Kind.WRITE, ms(0), ms(5), Outcome.OK);
        stats.record("writer-0", Kind.WRITE, ms(10), ms(20), Outcome.OK);
        stats.record("writer-1", Kind.WRITE, ms(10), ms(3_000), Outcome.FAILED);
        stats.record("reader-0", Kind.READ, ms(30), ms(32), Outcome.OK);
        stats.record("reader-0", Kind.READ, ms(40), ms(47), Outcome.LOST);
        stats.record("reader-0", Kind.READ, ms(50), ms(51), Outcome.FAILED);

        PhaseStats first = stats.cut("first", ms(4_000));

        assertThat(first.label()).isEqualTo("first");
        assertThat(first.duration()).isEqualTo(Duration.ofSeconds(4));
        assertThat(first.writesOk()).isEqualTo(2);
        assertThat(first.writesFailed()).isEqualTo(1);
        assertThat(first.readsOk()).isEqualTo(1);
        assertThat(first.readsLost()).isEqualTo(1);
        assertThat(first.readsFailed()).isEqualTo(1);
        // the 2990 ms failed write is not a latency: it is in the error window
        assertThat(first.writeMax().toMillis()).isEqualTo(10);
        assertThat(first.writeP99().toMillis()).isEqualTo(10);
        assertThat(first.readMax().toMillis()).isEqualTo(7);
        assertThat(first.summary()).startsWith("first (4.0 s): 2 writes ok, 1 failed; 1 reads ok, 1 failed, 1 lost reads;");

        PhaseStats second = stats.cut("second", ms(5_000));
        assertThat(second.duration()).isEqualTo(Duration.ofSeconds(1));
        assertThat(second.writesOk() + second.writesFailed() + second.readsOk() + second.readsFailed()
                + second.readsLost()).isZero();
        assertThat(second.writeMax()).isZero();

        assertThat(stats.progress()).isEqualTo(new Progress(2, 1, 1, 1, 1));
    }

    @Test
    void anErrorWindowRunsFromAThreadsFirstFailureToItsNextSuccess() {
        StatsRecorder stats = new StatsRecorder(ms(0));
        stats.record("writer-0", Kind.WRITE, ms(100), ms(110), Outcome.FAILED);
        stats.record("writer-0", Kind.WRITE, ms(120), ms(130), Outcome.FAILED);
        // another thread's success does not close writer-0's window
        stats.record("reader-0", Kind.READ, ms(140), ms(141), Outcome.OK);
        stats.record("writer-1", Kind.WRITE, ms(150), ms(151), Outcome.FAILED);
        stats.record("writer-1", Kind.WRITE, ms(160), ms(170), Outcome.OK);
        stats.record("writer-0", Kind.WRITE, ms(200), ms(205), Outcome.OK);
        // a later, shorter window does not replace the longest
        stats.record("writer-0", Kind.WRITE, ms(300), ms(301), Outcome.FAILED);
        stats.record("writer-0", Kind.WRITE, ms(310), ms(311), Outcome.OK);

        assertThat(stats.cut("p", ms(1_000)).longestErrorWindow()).isEqualTo(Duration.ofMillis(105));
    }

    @Test
    void aWindowOpenAtACutCountsUpToTheCutAndGoesOnFromItsStart() {
        StatsRecorder stats = new StatsRecorder(ms(0));
        stats.record("writer-0", Kind.WRITE, ms(1_000), ms(1_010), Outcome.FAILED);

        assertThat(stats.cut("down", ms(1_500)).longestErrorWindow()).isEqualTo(Duration.ofMillis(500));

        stats.record("writer-0", Kind.WRITE, ms(1_790), ms(1_800), Outcome.OK);
        PhaseStats back = stats.cut("back", ms(2_000));
        assertThat(back.longestErrorWindow()).isEqualTo(Duration.ofMillis(800));
        assertThat(back.writesFailed()).isZero();

        assertThat(stats.cut("after", ms(3_000)).longestErrorWindow()).isZero();
    }

    @Test
    void aFailedReconnectOpensAWindowButIsNoFailedStatement() {
        StatsRecorder stats = new StatsRecorder(ms(0));
        stats.connectFailed("reader-0", ms(10));
        stats.connectFailed("reader-0", ms(20));
        stats.record("reader-0", Kind.READ, ms(25), ms(30), Outcome.FAILED);
        stats.record("reader-0", Kind.READ, ms(40), ms(60), Outcome.OK);

        PhaseStats phase = stats.cut("p", ms(100));
        assertThat(phase.longestErrorWindow()).isEqualTo(Duration.ofMillis(50));
        assertThat(phase.readsFailed()).isEqualTo(1);
        assertThat(phase.readsOk()).isEqualTo(1);
    }

    @Test
    void aLostReadIsAnAnswerAndClosesTheWindow() {
        StatsRecorder stats = new StatsRecorder(ms(0));
        stats.record("reader-0", Kind.READ, ms(10), ms(20), Outcome.FAILED);
        stats.record("reader-0", Kind.READ, ms(30), ms(40), Outcome.LOST);

        PhaseStats phase = stats.cut("p", ms(1_000));
        assertThat(phase.longestErrorWindow()).isEqualTo(Duration.ofMillis(30));
        assertThat(phase.readsLost()).isEqualTo(1);
        assertThatThrownBy(() -> stats.record("writer-0", Kind.WRITE, 0, 1, Outcome.LOST))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

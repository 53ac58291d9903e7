package dev.canopy.core;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class BackgroundCopiesTest {
    private static final DatabaseClusterSpec SPEC = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.25),
            new LeavesSpec(1, 0.5, 1, null), Map.of(), false);
    private static final Topology BLUE = new Topology("demo", SPEC, Map.of());
    private static final Topology GREEN = new Topology("demo.b", SPEC, Map.of());

    /** Copies one table; the first copy waits for the latch, and a copy fails while {@code failures} is positive. */
    private static final class LatchedSwitchover implements Switchover {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger copies = new AtomicInteger();

        @Override
        public List<String> copySchema(Topology source, Topology target) {
            copies.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("target unreachable");
            }
            return List.of("PUBLIC.T");
        }

        @Override
        public Map<String, Long> copyRows(Topology source, Topology target) {
            return Map.of("PUBLIC.T", 7L);
        }

        @Override
        public Map<String, TableDigest> digest(Topology cluster) {
            return Map.of();
        }

        @Override
        public void fence(Topology cluster) {
        }

        @Override
        public void unfence(Topology cluster) {
        }

        @Override
        public boolean fenced(Topology cluster) {
            return false;
        }
    }

    @Test
    void aCopyRunsApartFromThePollsAndItsResultIsHandedOutOnce() {
        LatchedSwitchover switchover = new LatchedSwitchover();
        BackgroundCopies copies = new BackgroundCopies(switchover, Clock.systemUTC());
        assertThat(copies.poll("demo", BLUE, GREEN)).as("started, not done").isEmpty();
        assertThat(copies.running("demo")).isTrue();
        assertThat(copies.poll("demo", BLUE, GREEN)).isEmpty();
        switchover.release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> !copies.running("demo"));
        Optional<BackgroundCopies.Result> done = copies.poll("demo", BLUE, GREEN);
        assertThat(done).hasValueSatisfying(r -> {
            assertThat(r.tables()).containsExactly("PUBLIC.T");
            assertThat(r.totalRows()).isEqualTo(7);
        });
        assertThat(switchover.copies).as("one copy for all those polls").hasValue(1);
    }

    @Test
    void aFailedCopyThrowsItsCauseOnceAndTheNextPollStartsItAgain() {
        LatchedSwitchover switchover = new LatchedSwitchover();
        switchover.failures.set(1);
        BackgroundCopies copies = new BackgroundCopies(switchover, Clock.systemUTC());
        // Released only after the first poll returned: a copy that failed at once would make that poll throw.
        assertThat(copies.poll("demo", BLUE, GREEN)).as("started").isEmpty();
        switchover.release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> !copies.running("demo"));
        assertThatThrownBy(() -> copies.poll("demo", BLUE, GREEN)).hasMessage("target unreachable");
        // The latch is open now, so the copy started again may end before its first poll returns.
        await().atMost(Duration.ofSeconds(10)).until(() -> copies.poll("demo", BLUE, GREEN).isPresent());
        assertThat(switchover.copies).hasValue(2);
    }
}

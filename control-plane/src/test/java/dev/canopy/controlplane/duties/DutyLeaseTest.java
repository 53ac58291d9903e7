package dev.canopy.controlplane.duties;

import dev.canopy.controlplane.store.ControlPlaneStore;
import dev.canopy.controlplane.store.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas on one database, their lease renewals called by hand and their clock moved by the test: one does the
 * background duties at a time; a replica that stops renewing (killed) loses them once its lease expires, and one that
 * stops gracefully hands them over at once. On H2 and on PostgreSQL.
 */
class DutyLeaseTest {
    private static final Duration TTL = Duration.ofSeconds(6);

    /** A clock the test moves; both replicas read it, as if their machines' clocks agreed. */
    private static final class MovedClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-07T06:00:00Z");

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void oneReplicaAtATimeAndAnotherOnceItsLeaseExpiresOrIsGivenUp(TestDatabases database) {
        MovedClock clock = new MovedClock();
        try (ControlPlaneStore store = database.open()) {
            DutyLease a = new DutyLease(store, "replica-a", TTL, clock);
            DutyLease b = new DutyLease(store, "replica-b", TTL, clock);
            a.renew();
            b.renew();
            assertThat(a.held()).isTrue();
            assertThat(b.held()).as("one at a time").isFalse();

            // a renews every third of its time: b never gets it
            for (int i = 0; i < 5; i++) {
                clock.move(Duration.ofSeconds(2));
                a.renew();
                b.renew();
                assertThat(a.held()).isTrue();
                assertThat(b.held()).isFalse();
            }

            // a killed: no renewal; once its time is over it no longer counts itself holder, and b takes the lease
            clock.move(Duration.ofSeconds(4));
            b.renew();
            assertThat(b.held()).as("a's lease has not expired yet").isFalse();
            clock.move(Duration.ofSeconds(3));
            assertThat(a.held()).as("a's last renewal is older than the lease's time").isFalse();
            b.renew();
            assertThat(b.held()).isTrue();
            a.renew();
            assertThat(a.held()).as("a, back, finds b holding it").isFalse();

            // b stops gracefully: a takes the duties on its next try, not a lease's time later
            b.close();
            assertThat(b.held()).isFalse();
            a.renew();
            assertThat(a.held()).isTrue();
            a.close();
        }
    }
}

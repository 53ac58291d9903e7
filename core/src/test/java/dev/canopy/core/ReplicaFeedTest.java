package dev.canopy.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaFeedTest {
    private static final Instant T0 = Instant.parse("2026-12-03T07:00:00Z");
    private static final ReplicaFeed.Progress NEW = ReplicaFeed.Progress.start("a", "orders");

    private static ReplicaFeed.Seen seen(boolean ready, boolean reachable, boolean capturing, boolean streaming,
                                         Optional<String> differ) {
        return new ReplicaFeed.Seen(T0.plusSeconds(5), ready, reachable, capturing, streaming, Optional.of(Duration.ofMillis(900)), differ);
    }

    @Test
    void aReplicaIsFedOnceReadyCaptureHeldUntilTheCopyIsDone() {
        assertThat(ReplicaFeed.next(NEW, seen(false, true, false, false, Optional.empty()), false))
                .isInstanceOf(ReplicaFeed.Move.Wait.class);
        assertThat(ReplicaFeed.next(NEW, seen(true, false, false, false, Optional.empty()), false))
                .isInstanceOf(ReplicaFeed.Move.Wait.class).extracting(ReplicaFeed.Move::message).asString().contains("cannot be reached");
        assertThat(ReplicaFeed.next(NEW, seen(true, true, false, false, Optional.empty()), false)).isInstanceOf(ReplicaFeed.Move.Hold.class);
        assertThat(ReplicaFeed.next(NEW, seen(true, true, true, false, Optional.empty()), false)).isInstanceOf(ReplicaFeed.Move.Copy.class);
        assertThat(ReplicaFeed.next(NEW, seen(true, true, true, true, Optional.empty()), false))
                .as("filled again while the source still streams to it: held before the copy")
                .isInstanceOf(ReplicaFeed.Move.Hold.class);
        ReplicaFeed.Progress copied = NEW.copied(T0, 300, null);
        assertThat(ReplicaFeed.next(copied, seen(true, true, true, false, Optional.empty()), false)).isInstanceOf(ReplicaFeed.Move.Stream.class);
        ReplicaFeed.Progress streaming = copied.streaming(T0);
        assertThat(ReplicaFeed.next(streaming, seen(true, true, true, true, Optional.empty()), false))
                .isInstanceOf(ReplicaFeed.Move.Wait.class).extracting(ReplicaFeed.Move::message).asString().contains("lag 0.9 s");
    }

    @Test
    void promotionFencesAReachableSourceAndWaitsBoundedForTheLastChanges() {
        ReplicaFeed.Progress streaming = NEW.copied(T0, 300, null).streaming(T0).lag(1.2);
        assertThat(ReplicaFeed.next(streaming, seen(true, true, true, true, Optional.empty()), true)).isInstanceOf(ReplicaFeed.Move.Fence.class);
        ReplicaFeed.Progress fenced = streaming.promoting(T0, true);
        assertThat(ReplicaFeed.next(fenced, seen(true, true, true, true, Optional.of("PUBLIC.T")), true))
                .isInstanceOf(ReplicaFeed.Move.Wait.class);
        assertThat(ReplicaFeed.next(fenced, seen(true, true, true, true, Optional.of("")), true))
                .isInstanceOf(ReplicaFeed.Move.Promote.class).extracting(ReplicaFeed.Move::message).asString().contains("every table equals");
        ReplicaFeed.Seen late = new ReplicaFeed.Seen(T0.plusSeconds(31), true, true, true, true, Optional.empty(), Optional.of("PUBLIC.T"));
        assertThat(ReplicaFeed.next(fenced, late, true)).isInstanceOf(ReplicaFeed.Move.Promote.class)
                .extracting(ReplicaFeed.Move::message).asString().contains("tables differ: PUBLIC.T");
    }

    @Test
    void aLostSourceIsNotWaitedForAndTheLagItTookIsSaid() {
        ReplicaFeed.Progress streaming = NEW.copied(T0, 300, null).streaming(T0).lag(1.2);
        assertThat(ReplicaFeed.next(streaming, seen(true, false, false, false, Optional.empty()), true))
                .isInstanceOf(ReplicaFeed.Move.Fence.class).extracting(ReplicaFeed.Move::message).asString()
                .contains("cannot be reached", "1.2 s");
        ReplicaFeed.Progress unfenced = streaming.promoting(T0, false);
        assertThat(ReplicaFeed.next(unfenced, seen(true, false, false, false, Optional.empty()), true))
                .isInstanceOf(ReplicaFeed.Move.Promote.class).extracting(ReplicaFeed.Move::message).asString().contains("1.2 s");
        ReplicaFeed.Progress promoted = unfenced.promoted(T0, "why");
        assertThat(ReplicaFeed.next(promoted, seen(true, false, false, false, Optional.empty()), true))
                .isInstanceOf(ReplicaFeed.Move.Wait.class).extracting(ReplicaFeed.Move::state).isEqualTo(ReplicaFeed.PROMOTED);
    }

    /** CI saw a loaded machine time a fence out once (5 s) and the replica promoted without its reachable source. */
    @Test
    void aReachableSourceThatDidNotTakeTheFenceIsAskedAgainWhileTheCatchUpLasts() {
        ReplicaFeed.Progress unfenced = NEW.copied(T0, 300, null).streaming(T0).lag(1.2).promoting(T0, false);
        assertThat(ReplicaFeed.next(unfenced, seen(true, true, true, true, Optional.empty()), true))
                .isInstanceOf(ReplicaFeed.Move.Fence.class).extracting(ReplicaFeed.Move::message).asString().contains("again");
        ReplicaFeed.Progress second = unfenced.fenced(true);
        assertThat(second.promotingSince()).as("the promotion's start is kept").isEqualTo(unfenced.promotingSince());
        assertThat(ReplicaFeed.next(second, seen(true, true, true, true, Optional.of("")), true))
                .isInstanceOf(ReplicaFeed.Move.Promote.class).extracting(ReplicaFeed.Move::message).asString().contains("every table equals");
        ReplicaFeed.Seen late = new ReplicaFeed.Seen(T0.plusSeconds(31), true, true, true, true, Optional.empty(), Optional.empty());
        assertThat(ReplicaFeed.next(unfenced, late, true)).as("not for ever")
                .isInstanceOf(ReplicaFeed.Move.Promote.class).extracting(ReplicaFeed.Move::message).asString().contains("could not be fenced");
    }
}

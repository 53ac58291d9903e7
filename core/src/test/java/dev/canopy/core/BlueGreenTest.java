package dev.canopy.core;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BlueGreenTest {
    private static final Instant T0 = Instant.parse("2026-12-03T06:00:00Z");
    private static final BlueGreen.Policy POLICY = BlueGreen.Policy.DEFAULTS;
    private static final BlueGreen.Progress STARTED = BlueGreen.Progress.start("2.16.0", "2.17.0", "demo", "demo.b", 2, T0);

    private static DatabaseClusterSpec spec(String release) {
        return new DatabaseClusterSpec(release, 2, new AggregatorsSpec(1, 0.25), new LeavesSpec(1, 0.5, 1, null), Map.of(), false);
    }

    private static BlueGreen.Seen seen(Duration after, boolean blueReady, boolean greenReady, boolean streaming,
                                       Optional<Duration> lag, Optional<String> differ) {
        return new BlueGreen.Seen(T0.plus(after), blueReady, greenReady, streaming, lag, differ, false);
    }

    @Test
    void anEngineChangeIsBlueGreenUnlessTheCoordinatedRestartIsChosen() {
        assertThat(BlueGreen.applies(spec("2.17.0"), "2.16.0")).isTrue();
        assertThat(BlueGreen.applies(spec("2.17.0").withUpgradeStrategy(DatabaseClusterSpec.BLUE_GREEN), "2.16.0")).isTrue();
        assertThat(BlueGreen.applies(spec("2.17.0").withUpgradeStrategy(DatabaseClusterSpec.COORDINATED_RESTART), "2.16.0")).isFalse();
        assertThat(BlueGreen.applies(spec("2.17.0"), "2.17.0")).as("same release").isFalse();
        assertThat(BlueGreen.applies(spec("2.17.0"), null)).as("never Ready: nothing to keep serving").isFalse();
    }

    @Test
    void blueCapturesChangesAtItsOwnReleaseAndKeepsADeclaredArchiveTimeout() {
        DatabaseClusterSpec blue = BlueGreen.blueSpec(spec("2.17.0"), "2.16.0");
        assertThat(blue.release()).isEqualTo("2.16.0");
        assertThat(blue.config()).containsEntry("cdcWalForceArchiveTimeoutMs", BlueGreen.DEFAULT_ARCHIVE_TIMEOUT_MS);
        DatabaseClusterSpec declared = spec("2.17.0").withConfig(Map.of("cdcWalForceArchiveTimeoutMs", "300"));
        assertThat(BlueGreen.blueSpec(declared, "2.16.0").config()).containsEntry("cdcWalForceArchiveTimeoutMs", "300");
    }

    @Test
    void theStepsComeInOrder() {
        Duration s = Duration.ofSeconds(10);
        assertThat(BlueGreen.next(STARTED, seen(s, false, false, false, Optional.empty(), Optional.empty()), POLICY))
                .isInstanceOf(BlueGreen.Move.Wait.class).extracting(BlueGreen.Move::step).isEqualTo(BlueGreen.CAPTURING);
        assertThat(BlueGreen.next(STARTED, seen(s, true, false, false, Optional.empty(), Optional.empty()), POLICY))
                .extracting(BlueGreen.Move::step).isEqualTo(BlueGreen.PROVISIONING_GREEN);
        assertThat(BlueGreen.next(STARTED, seen(s, true, true, false, Optional.empty(), Optional.empty()), POLICY))
                .isInstanceOf(BlueGreen.Move.Copy.class);
        BlueGreen.Progress copied = STARTED.copied(T0.plusSeconds(20));
        assertThat(BlueGreen.next(copied, seen(s, true, true, false, Optional.empty(), Optional.empty()), POLICY))
                .isInstanceOf(BlueGreen.Move.Stream.class);
        BlueGreen.Progress streaming = copied.streaming(T0.plusSeconds(21));
        assertThat(BlueGreen.next(streaming, seen(Duration.ofSeconds(25), true, false, true, Optional.empty(), Optional.empty()), POLICY))
                .as("green leaving Ready for a moment once fed").isInstanceOf(BlueGreen.Move.Wait.class)
                .extracting(BlueGreen.Move::step).isEqualTo(BlueGreen.STREAMING);
        assertThat(BlueGreen.next(streaming, seen(Duration.ofSeconds(25), true, true, true, Optional.of(Duration.ofSeconds(5)),
                Optional.empty()), POLICY)).as("lag over the bound").isInstanceOf(BlueGreen.Move.Wait.class)
                .extracting(BlueGreen.Move::step).isEqualTo(BlueGreen.STREAMING);
        assertThat(BlueGreen.next(streaming, seen(Duration.ofSeconds(25), true, true, true, Optional.of(Duration.ofMillis(800)),
                Optional.empty()), POLICY)).isInstanceOf(BlueGreen.Move.Fence.class);
        BlueGreen.Progress fenced = streaming.fenced(T0.plusSeconds(26));
        assertThat(BlueGreen.next(fenced, seen(Duration.ofSeconds(27), true, true, true, Optional.empty(),
                Optional.of("PUBLIC.T (10 rows in blue, 9 in green)")), POLICY)).isInstanceOf(BlueGreen.Move.Wait.class)
                .extracting(BlueGreen.Move::step).isEqualTo(BlueGreen.FENCED);
        assertThat(BlueGreen.next(fenced, seen(Duration.ofSeconds(27), true, true, true, Optional.empty(), Optional.of("")), POLICY))
                .isInstanceOf(BlueGreen.Move.Switch.class);
        BlueGreen.Progress switched = fenced.switched(T0.plusMillis(26_800));
        assertThat(switched.writePauseSeconds()).contains(0.8);
        assertThat(BlueGreen.next(switched, seen(Duration.ofSeconds(28), false, true, false, Optional.empty(), Optional.empty()), POLICY))
                .as("after the switch, blue going away is expected").isInstanceOf(BlueGreen.Move.Retire.class);
    }

    /** Issue 18: CapturingChanges ran 4.5 minutes with one unchanged message; each pass now says where blue is. */
    @Test
    void capturingChangesSaysSinceWhenAndWhichRestartBlueIsAt() {
        List<String> blueSteps = List.of("restarting leaf-ag1-1 (1 of 6)",
                "rolling restart, 1 of 6 restarted: waiting for leaf-ag1-1 to join", "restarting leaf-ag1-2 (2 of 6)",
                "restarting leaf-ag2-3 (6 of 6)");
        List<Duration> after = List.of(Duration.ofSeconds(2), Duration.ofSeconds(50), Duration.ofSeconds(130),
                Duration.ofSeconds(270));
        List<String> messages = new ArrayList<>();
        for (int pass = 0; pass < blueSteps.size(); pass++) {
            BlueGreen.Seen seen = new BlueGreen.Seen(T0.plus(after.get(pass)), false, false, false, Optional.empty(),
                    Optional.empty(), false, false, Optional.of(blueSteps.get(pass)));
            BlueGreen.Move move = BlueGreen.next(STARTED, seen, POLICY);
            assertThat(move.step()).isEqualTo(BlueGreen.CAPTURING);
            messages.add(move.message());
        }
        String capturing = "turning change capture on in blue (2.16.0, a rolling restart of its leaves), for ";
        assertThat(messages).containsExactly(
                capturing + "under a minute: restarting leaf-ag1-1 (1 of 6)",
                capturing + "under a minute: rolling restart, 1 of 6 restarted: waiting for leaf-ag1-1 to join",
                capturing + "2 min: restarting leaf-ag1-2 (2 of 6)",
                capturing + "4 min: restarting leaf-ag2-3 (6 of 6)");
        assertThat(BlueGreen.next(STARTED, seen(Duration.ofSeconds(3), false, false, false, Optional.empty(),
                Optional.empty()), POLICY).message()).as("blue's reconciler resting").isEqualTo(capturing + "under a minute");

        BlueGreen.Progress streaming = STARTED.copied(T0.plusSeconds(300)).streaming(T0.plusSeconds(301));
        assertThat(List.of(313, 375).stream().map(s -> BlueGreen.next(streaming, seen(Duration.ofSeconds(s), true, true,
                true, Optional.of(Duration.ofSeconds(s - 308)), Optional.empty()), POLICY).message()).toList())
                .containsExactly("streaming blue's changes to green (for under a minute); lag 5000 ms, fencing under 2000 ms",
                        "streaming blue's changes to green (for 1 min); lag 67000 ms, fencing under 2000 ms");
    }

    @Test
    void whileTheCopyRunsApartFromThePassesEitherSideLeavingReadyIsWaitedForAsCopying() {
        Duration s = Duration.ofSeconds(30);
        BlueGreen.Seen greenRebalancing = new BlueGreen.Seen(T0.plus(s), true, false, false, Optional.empty(), Optional.empty(),
                false, true);
        assertThat(BlueGreen.next(STARTED, greenRebalancing, POLICY)).isInstanceOf(BlueGreen.Move.Wait.class)
                .extracting(BlueGreen.Move::step).isEqualTo(BlueGreen.COPYING);
        BlueGreen.Seen blueRestarting = new BlueGreen.Seen(T0.plus(s), false, true, false, Optional.empty(), Optional.empty(),
                false, true);
        assertThat(BlueGreen.next(STARTED, blueRestarting, POLICY)).isInstanceOf(BlueGreen.Move.Wait.class)
                .extracting(BlueGreen.Move::step).isEqualTo(BlueGreen.COPYING);
        BlueGreen.Seen bothReady = new BlueGreen.Seen(T0.plus(s), true, true, false, Optional.empty(), Optional.empty(), false, true);
        assertThat(BlueGreen.next(STARTED, bothReady, POLICY)).as("asked again until it is done")
                .isInstanceOf(BlueGreen.Move.Copy.class);
    }

    @Test
    void everyFailureBeforeTheSwitchAbandonsWithTheReason() {
        assertThat(BlueGreen.next(STARTED, seen(Duration.ofMinutes(11), true, false, false, Optional.empty(), Optional.empty()), POLICY))
                .isInstanceOf(BlueGreen.Move.Abandon.class).extracting(BlueGreen.Move::message).asString()
                .contains("green at 2.17.0 was not Ready within 10 min", "blue is unfenced and keeps serving");
        BlueGreen.Progress streaming = STARTED.copied(T0).streaming(T0);
        assertThat(BlueGreen.next(streaming, seen(Duration.ofMinutes(6), true, true, true, Optional.of(Duration.ofSeconds(30)),
                Optional.empty()), POLICY)).isInstanceOf(BlueGreen.Move.Abandon.class).extracting(BlueGreen.Move::message)
                .asString().contains("lag did not come under 2000 ms", "last: 30000 ms");
        BlueGreen.Progress fenced = streaming.fenced(T0.plusSeconds(60));
        assertThat(BlueGreen.next(fenced, seen(Duration.ofSeconds(121), true, true, true, Optional.empty(),
                Optional.of("PUBLIC.T (10 rows in blue, 9 in green)")), POLICY)).isInstanceOf(BlueGreen.Move.Abandon.class)
                .extracting(BlueGreen.Move::message).asString().contains("did not catch up within 60 s", "PUBLIC.T (10 rows in blue, 9 in green)");
        assertThat(BlueGreen.next(STARTED.copied(T0), seen(Duration.ofSeconds(30), false, true, false, Optional.empty(),
                Optional.empty()), POLICY)).as("blue not Ready for a moment while green is fed").isInstanceOf(BlueGreen.Move.Wait.class);
        assertThat(BlueGreen.next(STARTED.copied(T0), seen(Duration.ofMinutes(6), false, true, false, Optional.empty(),
                Optional.empty()), POLICY)).as("blue not Ready for longer").isInstanceOf(BlueGreen.Move.Abandon.class)
                .extracting(BlueGreen.Move::message).asString().contains("blue was not Ready for 5 min");
        BlueGreen.Progress abandoned = fenced.abandon("why", T0.plusSeconds(121));
        assertThat(abandoned.inProgress()).isFalse();
        assertThat(abandoned.abandoned()).isEqualTo("why");
    }
}

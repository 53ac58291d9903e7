package dev.canopy.core;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.EngineSetting;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A blue/green engine upgrade, decided apart from the I/O. The engine refuses to mix versions in one cluster, so a
 * release that changes the engine version is not rolled: the running cluster (blue) keeps serving while a second one
 * (green) at the new release is built beside it, filled with a copy of blue's rows and kept in step by change data
 * capture, and then takes blue's clients over. Writes pause from fencing blue (read-only) until green's aggregators
 * serve on the cluster's endpoint; reads go on until blue's aggregators stop.
 *
 * <p>Steps, each a {@link Move} of {@link #next}: capture changes on blue (its spec gains the WAL force-archive setting,
 * a rolling restart at its own release), provision green, copy the tables and rows (captures are on but not yet
 * streaming, so every change after the copy read a row is replayed after it), stream until the lag is under the bound,
 * fence blue, wait until every table of green has blue's digest (rows and checksum), switch the clients, retire blue.
 * Any failure before the switch abandons the upgrade: blue is unfenced and keeps serving, green is deleted, and the
 * reason is reported.
 */
public final class BlueGreen {
    /** The archive timeout blue gets when its spec has none: about a second of lag (measured; see BENCHMARKS.md). */
    public static final String DEFAULT_ARCHIVE_TIMEOUT_MS = "1000";

    public static final String CAPTURING = "CapturingChanges";
    public static final String PROVISIONING_GREEN = "ProvisioningGreen";
    public static final String COPYING = "Copying";
    public static final String STREAMING = "Streaming";
    public static final String FENCED = "Fenced";
    public static final String SWITCHING = "SwitchingClients";
    public static final String RETIRING = "RetiringBlue";
    public static final String DONE = "Done";
    public static final String ABANDONED = "Abandoned";

    private BlueGreen() {
    }

    /** How long each wait may last, and the lag under which blue is fenced. */
    public record Policy(Duration lagBound, Duration provisionTimeout, Duration streamTimeout, Duration catchUpTimeout) {
        public static final Policy DEFAULTS = new Policy(Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofMinutes(5),
                Duration.ofSeconds(60));
    }

    /**
     * What the region remembers between passes (persisted: a restarted platform carries on). {@code blue} and
     * {@code green} are the runtime's names of the two deployments; the instants are ISO-8601, null until reached.
     */
    public record Progress(String fromRelease, String toRelease, String blue, String green, long generation,
                           String startedAt, String copiedAt, String streamingSince, String fencedAt, String switchedAt,
                           String finishedAt, String abandoned) {

        public static Progress start(String fromRelease, String toRelease, String blue, String green, long generation,
                                     Instant now) {
            return new Progress(fromRelease, toRelease, blue, green, generation, now.toString(), null, null, null, null,
                    null, null);
        }

        public Progress copied(Instant at) {
            return new Progress(fromRelease, toRelease, blue, green, generation, startedAt, at.toString(), streamingSince,
                    fencedAt, switchedAt, finishedAt, abandoned);
        }

        public Progress streaming(Instant at) {
            return new Progress(fromRelease, toRelease, blue, green, generation, startedAt, copiedAt, at.toString(),
                    fencedAt, switchedAt, finishedAt, abandoned);
        }

        public Progress fenced(Instant at) {
            return new Progress(fromRelease, toRelease, blue, green, generation, startedAt, copiedAt, streamingSince,
                    at.toString(), switchedAt, finishedAt, abandoned);
        }

        public Progress switched(Instant at) {
            return new Progress(fromRelease, toRelease, blue, green, generation, startedAt, copiedAt, streamingSince,
                    fencedAt, at.toString(), finishedAt, abandoned);
        }

        public Progress finished(Instant at) {
            return new Progress(fromRelease, toRelease, blue, green, generation, startedAt, copiedAt, streamingSince,
                    fencedAt, switchedAt, at.toString(), abandoned);
        }

        public Progress abandon(String why, Instant at) {
            return new Progress(fromRelease, toRelease, blue, green, generation, startedAt, copiedAt, streamingSince,
                    fencedAt, switchedAt, at.toString(), why);
        }

        public boolean inProgress() {
            return finishedAt == null;
        }

        /** Seconds from fencing blue to green serving the clients, once they moved. */
        public Optional<Double> writePauseSeconds() {
            if (fencedAt == null || switchedAt == null) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(Instant.parse(fencedAt), Instant.parse(switchedAt)).toMillis() / 1000.0);
        }
    }

    /**
     * What a pass sees. {@code blueReady}: blue is Ready at its spec with capture on ({@link #blueSpec}); {@code lag}:
     * how far green trails blue, once a heartbeat went through; {@code tablesDiffer}: after the fence, the tables whose
     * digest differs between the two (empty: green holds blue's rows), not computed before; {@code copying}: the copy
     * into green runs (apart from the passes); {@code blueStep}: what blue's own reconciler does this pass (e.g.
     * {@code restarting leaf-ag1-2 (2 of 6)}), empty when it rests.
     */
    public record Seen(Instant now, boolean blueReady, boolean greenReady, boolean streaming, Optional<Duration> lag,
                       Optional<String> tablesDiffer, boolean greenServes, boolean copying, Optional<String> blueStep) {

        public Seen(Instant now, boolean blueReady, boolean greenReady, boolean streaming, Optional<Duration> lag,
                    Optional<String> tablesDiffer, boolean greenServes, boolean copying) {
            this(now, blueReady, greenReady, streaming, lag, tablesDiffer, greenServes, copying, Optional.empty());
        }

        public Seen(Instant now, boolean blueReady, boolean greenReady, boolean streaming, Optional<Duration> lag,
                    Optional<String> tablesDiffer, boolean greenServes) {
            this(now, blueReady, greenReady, streaming, lag, tablesDiffer, greenServes, false);
        }
    }

    /** What to do next; {@link #step()} is the step shown in status. */
    public sealed interface Move {
        String step();

        String message();

        /** Nothing to do but wait (and reconcile both deployments). */
        record Wait(String step, String message) implements Move {
        }

        /** Copy blue's tables and rows into green. */
        record Copy(String step, String message) implements Move {
        }

        /** Start the captures beside blue's leaves, streaming to green. */
        record Stream(String step, String message) implements Move {
        }

        /** Make blue read-only. */
        record Fence(String step, String message) implements Move {
        }

        /** Stop blue's aggregators and start green's on their endpoint. */
        record Switch(String step, String message) implements Move {
        }

        /** Stop the captures, delete blue; green is the cluster. */
        record Retire(String step, String message) implements Move {
        }

        /** Unfence blue, stop the captures, delete green: blue keeps serving. */
        record Abandon(String step, String message) implements Move {
        }
    }

    /** Whether a change of spec upgrades blue/green: the engine version changes and the strategy allows it. */
    public static boolean applies(DatabaseClusterSpec spec, String runningRelease) {
        return runningRelease != null && !Release.engineVersion(runningRelease).equals(Release.engineVersion(spec.release()))
                && !DatabaseClusterSpec.COORDINATED_RESTART.equals(spec.upgradeStrategy());
    }

    /** Blue's spec during the upgrade: the declared one at blue's release, capturing its changes. */
    public static DatabaseClusterSpec blueSpec(DatabaseClusterSpec declared, String fromRelease) {
        return capturing(declared.withRelease(fromRelease));
    }

    /** Green's spec: the declared one (capture as declared: green is not a source until someone replicates it). */
    public static DatabaseClusterSpec greenSpec(DatabaseClusterSpec declared) {
        return declared;
    }

    /** The spec with its leaves capturing changes: the declared archive timeout, or the default one. */
    public static DatabaseClusterSpec capturing(DatabaseClusterSpec spec) {
        String key = EngineSetting.cdcWalForceArchiveTimeoutMs.name();
        if (spec.config().containsKey(key)) {
            return spec;
        }
        Map<String, String> config = new HashMap<>(spec.config());
        config.put(key, DEFAULT_ARCHIVE_TIMEOUT_MS);
        return spec.withConfig(config);
    }

    public static Move next(Progress progress, Seen seen, Policy policy) {
        if (progress.switchedAt() != null) {
            return new Move.Retire(RETIRING, "clients moved to " + progress.toRelease() + " (writes paused "
                    + progress.writePauseSeconds().map(s -> String.format("%.2f s", s)).orElse("?") + "): retiring blue");
        }
        Duration running = Duration.between(Instant.parse(progress.startedAt()), seen.now());
        if (!seen.blueReady() && progress.fencedAt() == null) {
            if (progress.copiedAt() == null && seen.copying()) {
                return new Move.Wait(COPYING, "blue is not Ready for a moment while its rows are copied: waiting for it");
            }
            if (progress.copiedAt() == null) {
                // a rolling restart of a large cluster takes minutes (4.5 with 441k rows): say where it is, and since when
                return new Move.Wait(CAPTURING, "turning change capture on in blue (" + progress.fromRelease()
                        + ", a rolling restart of its leaves), for " + elapsed(running)
                        + seen.blueStep().map(step -> ": " + step).orElse(""));
            }
            // a table created, a leaf restarted: blue is not fenced while it is not whole, and not waited for forever
            Instant since = Instant.parse(progress.streamingSince() != null ? progress.streamingSince() : progress.copiedAt());
            if (Duration.between(since, seen.now()).compareTo(policy.streamTimeout()) > 0) {
                return abandon("blue was not Ready for " + policy.streamTimeout().toMinutes() + " min while green was fed");
            }
            return new Move.Wait(STREAMING, "blue is not Ready: waiting for it before fencing it");
        }
        if (!seen.greenReady() && (progress.copiedAt() != null || seen.copying())) {
            // a cache the stream creates on green rebalances for a moment: green was provisioned, it is being fed
            return new Move.Wait(progress.streamingSince() == null ? COPYING : STREAMING,
                    "green is not Ready for a moment (a rebalance of what the stream brings): waiting before going on");
        }
        if (!seen.greenReady()) {
            if (running.compareTo(policy.provisionTimeout()) > 0) {
                return abandon("green at " + progress.toRelease() + " was not Ready within "
                        + policy.provisionTimeout().toMinutes() + " min");
            }
            return new Move.Wait(PROVISIONING_GREEN, "provisioning green at " + progress.toRelease()
                    + " beside blue (" + progress.fromRelease() + "), with the same topology");
        }
        if (progress.copiedAt() == null) {
            return new Move.Copy(COPYING, "copying blue's tables and rows into green; changes since capture began are"
                    + " replayed after the copy");
        }
        if (progress.streamingSince() == null || !seen.streaming()) {
            return new Move.Stream(STREAMING, "starting the change stream from blue's leaves to green");
        }
        if (progress.fencedAt() == null) {
            Duration streaming = Duration.between(Instant.parse(progress.streamingSince()), seen.now());
            boolean caughtUp = seen.lag().filter(lag -> lag.compareTo(policy.lagBound()) <= 0).isPresent();
            if (caughtUp) {
                return new Move.Fence(FENCED, "green trails blue by " + seen.lag().orElseThrow().toMillis()
                        + " ms: fencing blue (read-only); writes pause until green takes the clients");
            }
            if (streaming.compareTo(policy.streamTimeout()) > 0) {
                return abandon("green's lag did not come under " + policy.lagBound().toMillis() + " ms within "
                        + policy.streamTimeout().toMinutes() + " min of streaming (last: "
                        + seen.lag().map(l -> l.toMillis() + " ms").orElse("no heartbeat through yet") + ")");
            }
            return new Move.Wait(STREAMING, "streaming blue's changes to green (for " + elapsed(streaming) + "); lag "
                    + seen.lag().map(l -> l.toMillis() + " ms").orElse("not measured yet") + ", fencing under "
                    + policy.lagBound().toMillis() + " ms");
        }
        Duration fenced = Duration.between(Instant.parse(progress.fencedAt()), seen.now());
        if (seen.tablesDiffer().isPresent() && seen.tablesDiffer().get().isEmpty()) {
            return new Move.Switch(SWITCHING, "green holds every row of blue (rows and checksums of every table"
                    + " equal): moving the clients to green's aggregators");
        }
        if (fenced.compareTo(policy.catchUpTimeout()) > 0) {
            return abandon("green did not catch up within " + policy.catchUpTimeout().toSeconds()
                    + " s of fencing blue; tables that differ: " + seen.tablesDiffer().orElse("not compared"));
        }
        return new Move.Wait(FENCED, "blue is read-only; waiting for green to catch up (differ: "
                + seen.tablesDiffer().orElse("not compared yet") + ")");
    }

    /**
     * A wait's length in whole minutes ({@code under a minute}, {@code 4 min}): it moves while a step lasts, and a
     * message that changed every pass would be a new event in the control plane's log of each cluster every pass.
     */
    static String elapsed(Duration duration) {
        long minutes = Math.max(0, duration.toMinutes());
        return minutes == 0 ? "under a minute" : minutes + " min";
    }

    private static Move abandon(String why) {
        return new Move.Abandon(ABANDONED, "blue/green upgrade abandoned: " + why
                + "; blue is unfenced and keeps serving, green is deleted");
    }
}

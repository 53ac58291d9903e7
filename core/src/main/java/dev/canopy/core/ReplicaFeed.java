package dev.canopy.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A replica cluster kept fed with its source's changes, decided apart from the I/O. The replica is created like any
 * cluster; once it is Ready, its source captures changes (a rolling restart of the source's leaves when capture was
 * off) with the stream held; the source's tables and rows are copied into the replica; the hold is released and every
 * change since capture began streams (replayed over the copy, so the replica converges on the source). Removing
 * {@code replicaOf} from the replica's spec promotes it: the source is fenced (read-only) when it can be reached and
 * the replica waits, for a bounded time, until its tables equal the source's; then the stream stops and the replica is
 * a cluster of its own. A source that cannot be reached is not waited for: the writes of its last lag are lost, and
 * the status says how many seconds that was.
 */
public final class ReplicaFeed {
    public static final String WAITING = "Waiting";
    public static final String CAPTURING = "CapturingChanges";
    public static final String COPYING = "Copying";
    public static final String STREAMING = "Streaming";
    public static final String PROMOTING = "Promoting";
    public static final String PROMOTED = "Promoted";
    /** How long a promotion waits, after fencing a reachable source, for the replica to hold every change. */
    public static final Duration CATCH_UP = Duration.ofSeconds(30);

    private ReplicaFeed() {
    }

    /**
     * What the replica's region remembers (persisted). {@code sourceRegion}/{@code source} name the source;
     * {@code lagSeconds} is the last lag measured, kept for the promotion of a source that is gone; {@code failedBackAt}:
     * when the source, fenced by this replica's promotion, was made a replica of it (from then on it is not kept fenced);
     * {@code sourceUpgradeAtCopy}: when the source's last blue/green upgrade began, as of the copy (an upgrade since took
     * its leaves' captures, so the replica missed what they streamed to green: it is filled again).
     */
    public record Progress(String sourceRegion, String source, String copiedAt, Long rowsCopied, String streamingSince,
                           Double lagSeconds, String promotingSince, String promotedAt, Boolean sourceFenced,
                           String caughtUp, String failedBackAt, String sourceUpgradeAtCopy) {

        public static Progress start(String sourceRegion, String source) {
            return new Progress(sourceRegion, source, null, null, null, null, null, null, null, null, null, null);
        }

        /** @param sourceUpgrade when the source's last blue/green upgrade began, as the copy began; null: it had none */
        public Progress copied(Instant at, long rows, String sourceUpgrade) {
            return new Progress(sourceRegion, source, at.toString(), rows, streamingSince, lagSeconds, promotingSince, promotedAt,
                    sourceFenced, caughtUp, failedBackAt, sourceUpgrade);
        }

        public Progress streaming(Instant at) {
            return new Progress(sourceRegion, source, copiedAt, rowsCopied, at.toString(), lagSeconds, promotingSince, promotedAt,
                    sourceFenced, caughtUp, failedBackAt, sourceUpgradeAtCopy);
        }

        public Progress lag(Double seconds) {
            return new Progress(sourceRegion, source, copiedAt, rowsCopied, streamingSince, seconds, promotingSince, promotedAt,
                    sourceFenced, caughtUp, failedBackAt, sourceUpgradeAtCopy);
        }

        public Progress promoting(Instant at, boolean fenced) {
            return new Progress(sourceRegion, source, copiedAt, rowsCopied, streamingSince, lagSeconds, at.toString(), promotedAt,
                    fenced, caughtUp, failedBackAt, sourceUpgradeAtCopy);
        }

        /** Another try at fencing the source, the promotion's start kept. */
        public Progress fenced(boolean fenced) {
            return new Progress(sourceRegion, source, copiedAt, rowsCopied, streamingSince, lagSeconds, promotingSince, promotedAt,
                    fenced, caughtUp, failedBackAt, sourceUpgradeAtCopy);
        }

        /** @param caughtUp how the replica ended: every table equal, or why not */
        public Progress promoted(Instant at, String caughtUp) {
            return new Progress(sourceRegion, source, copiedAt, rowsCopied, streamingSince, lagSeconds, promotingSince,
                    at.toString(), sourceFenced, caughtUp, failedBackAt, sourceUpgradeAtCopy);
        }

        /** The source was made a replica of this one (failback): no longer this replica's to keep fenced. */
        public Progress failedBack(Instant at) {
            return new Progress(sourceRegion, source, copiedAt, rowsCopied, streamingSince, lagSeconds, promotingSince, promotedAt,
                    sourceFenced, caughtUp, at.toString(), sourceUpgradeAtCopy);
        }

        public String describeSource() {
            return sourceRegion + "/" + source;
        }
    }

    /**
     * What a pass sees: whether the replica is Ready, whether the source exists and answers (its region known and the
     * cluster in it), whether every source leaf runs with capture on, whether the source streams to the replica, the
     * lag, and, while promoting a fenced source, the tables that differ (empty: none).
     */
    public record Seen(Instant now, boolean replicaReady, boolean sourceReachable, boolean sourceCapturing, boolean streaming,
                       Optional<Duration> lag, Optional<String> tablesDiffer) {
    }

    public sealed interface Move {
        String state();

        String message();

        record Wait(String state, String message) implements Move {
        }

        /** Ask the source to capture its changes, the stream held. */
        record Hold(String state, String message) implements Move {
        }

        record Copy(String state, String message) implements Move {
        }

        /** Release the hold: the source streams to the replica. */
        record Stream(String state, String message) implements Move {
        }

        /** Fence the source (when reachable) and start waiting for the replica to catch up. */
        record Fence(String state, String message) implements Move {
        }

        /** Stop the stream: the replica is its own cluster. */
        record Promote(String state, String message) implements Move {
        }
    }

    /** @param promote the spec no longer names a source: promote the replica */
    public static Move next(Progress progress, Seen seen, boolean promote) {
        if (progress.promotedAt() != null) {
            return new Move.Wait(PROMOTED, "promoted at " + progress.promotedAt() + " from " + progress.describeSource());
        }
        if (promote) {
            if (progress.promotingSince() == null) {
                return new Move.Fence(PROMOTING, seen.sourceReachable()
                        ? "promoting: fencing " + progress.describeSource() + " (read-only) and waiting for the last changes"
                        : "promoting: " + progress.describeSource() + " cannot be reached; the writes of its last "
                        + lagText(progress) + " are not here");
            }
            if (!Boolean.TRUE.equals(progress.sourceFenced())) {
                // a source that answers but did not take the fence in time (a loaded machine: a 5 s admin timeout) is
                // asked again while the catch-up lasts: promoting without it risks the writes it still takes
                if (seen.sourceReachable()
                        && Duration.between(Instant.parse(progress.promotingSince()), seen.now()).compareTo(CATCH_UP) <= 0) {
                    return new Move.Fence(PROMOTING, "promoting: fencing " + progress.describeSource() + " again (the last try"
                            + " failed); promoted without it after " + CATCH_UP.toSeconds() + " s");
                }
                return new Move.Promote(PROMOTED, "promoted without the source (" + progress.describeSource()
                        + " could not be fenced); writes of its last " + lagText(progress) + " may be missing");
            }
            if (seen.tablesDiffer().isPresent() && seen.tablesDiffer().get().isEmpty()) {
                return new Move.Promote(PROMOTED, "promoted: every table equals the fenced source's");
            }
            Duration waited = Duration.between(Instant.parse(progress.promotingSince()), seen.now());
            if (waited.compareTo(CATCH_UP) > 0 || !seen.sourceReachable()) {
                return new Move.Promote(PROMOTED, "promoted after " + waited.toSeconds() + " s without every change of "
                        + progress.describeSource() + " (" + seen.tablesDiffer().map(t -> "tables differ: " + t)
                        .orElse("the source stopped answering") + ")");
            }
            return new Move.Wait(PROMOTING, "promoting: waiting for the last changes of the fenced source ("
                    + seen.tablesDiffer().map(t -> t.isEmpty() ? "equal" : "differ: " + t).orElse("not compared yet") + ")");
        }
        if (!seen.replicaReady()) {
            return new Move.Wait(WAITING, "waiting for the replica to be Ready before it is fed");
        }
        if (!seen.sourceReachable()) {
            return new Move.Wait(WAITING, "source " + progress.describeSource() + " cannot be reached"
                    + (progress.streamingSince() == null ? "" : "; the replica holds its changes up to " + lagText(progress) + " before it went"));
        }
        if (progress.copiedAt() == null) {
            if (!seen.sourceCapturing()) {
                return new Move.Hold(CAPTURING, "turning change capture on in " + progress.describeSource()
                        + " (a rolling restart of its leaves when it was off), the stream held");
            }
            if (seen.streaming()) {
                // filled again while the source still streams to it: a change streamed during the copy could be overwritten
                // by an older copied row; held, every change reaches it after the copy, in order
                return new Move.Hold(CAPTURING, "holding the stream of " + progress.describeSource() + " before it is copied again");
            }
            return new Move.Copy(COPYING, "copying the tables and rows of " + progress.describeSource());
        }
        if (progress.streamingSince() == null || !seen.streaming()) {
            return new Move.Stream(STREAMING, "streaming the changes of " + progress.describeSource());
        }
        return new Move.Wait(STREAMING, "streaming from " + progress.describeSource() + ", lag "
                + seen.lag().map(l -> String.format("%.1f s", l.toMillis() / 1000.0)).orElse("not measured yet"));
    }

    private static String lagText(Progress progress) {
        return progress.lagSeconds() == null ? "unknown lag" : String.format("%.1f s", progress.lagSeconds());
    }
}

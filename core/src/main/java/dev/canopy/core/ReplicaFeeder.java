package dev.canopy.core;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.ReplicationStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Feeds replica clusters from their sources on either runtime, one {@link ReplicaFeed#next} move per pass of the
 * replica: the source is asked to capture (held), the rows are copied, the hold is released; removing
 * {@code replicaOf} promotes. The I/O goes through the engine ({@link Switchover}, {@link ChangeCapture}), the
 * {@link ReplicaSource} the region finds, and the region's {@link ProgressStore}; the replica's status gets
 * {@code status.replication}.
 */
public final class ReplicaFeeder {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFeeder.class);

    private final Switchover switchover;
    private final ChangeCapture capture;
    private final Clock clock;
    private final BackgroundCopies copies;
    private static final Duration COPY_RETRY_FIRST = Duration.ofSeconds(1);
    private static final Duration COPY_RETRY_MAX = Duration.ofMinutes(1);

    /** A replica's copy that failed: when to start it again (1 s, doubling each time, at most a minute), and why. */
    private record CopyRetry(Instant at, int failures, String message) {
    }

    private final Map<String, CopyRetry> retries = new ConcurrentHashMap<>();
    /** When the source's last upgrade began as each replica's running copy started (none: absent). */
    private final Map<String, String> copyUpgrade = new ConcurrentHashMap<>();
    /** The newest lag of each replica (seconds): stored only when it moved by a second or more. */
    private final Map<String, Double> lastLag = new ConcurrentHashMap<>();

    public ReplicaFeeder(Switchover switchover, ChangeCapture capture, Clock clock) {
        this.switchover = switchover;
        this.capture = capture;
        this.clock = clock;
        this.copies = new BackgroundCopies(switchover, clock);
    }

    /** Finds a source by its region and its name there; empty when the region or the cluster cannot be reached. */
    public interface Sources {
        Optional<ReplicaSource> find(String region, String cluster);
    }

    /** Where the region keeps each replica's {@link ReplicaFeed.Progress} (a restarted region carries on). */
    public interface ProgressStore {
        Optional<ReplicaFeed.Progress> load(String replica);

        void save(String replica, ReplicaFeed.Progress progress);
    }

    /**
     * The replica as this pass sees it: {@code key} tells replicas apart in logs and across namespaces, {@code name}
     * is what the source streams to and the store knows, {@code target} its declared nodes where they run,
     * {@code reachableAt} the thin-client addresses its source's change captures reach it at (its aggregators', or a
     * load balancer's when the source is in another Kubernetes cluster).
     */
    public record Replica(String key, String name, DatabaseClusterSpec spec, Topology target, List<String> reachableAt) {
        public Replica {
            reachableAt = List.copyOf(reachableAt);
        }

        /** A replica its source reaches at its aggregators' own addresses. */
        public Replica(String key, String name, DatabaseClusterSpec spec, Topology target) {
            this(key, name, spec, target, target.aggregators().stream().map(NodePlacement::sqlAddress).toList());
        }
    }

    /**
     * One pass of the replica (a cluster whose spec names a source, or that was fed and is not yet promoted).
     *
     * @param ownRegion the region a {@code replicaOf} without a region means
     */
    public DatabaseClusterStatus pass(Replica replica, DatabaseClusterStatus status, String ownRegion, Sources sources,
                                      ProgressStore store) {
        ReplicaOfSpec of = replica.spec().replicaOf();
        Optional<ReplicaFeed.Progress> stored = store.load(replica.name());
        if (of == null && stored.isEmpty()) {
            return status;
        }
        ReplicaFeed.Progress progress = stored.orElse(null);
        if (of == null && progress.promotedAt() != null) {
            keepSourceFenced(replica, progress, sources, store);
            return status.withReplication(promoted(progress));
        }
        String wantedRegion = of == null ? null : of.region() == null ? ownRegion : of.region();
        if (of != null && (progress == null || progress.promotedAt() != null
                || !progress.source().equals(of.cluster()) || !progress.sourceRegion().equals(wantedRegion))) {
            if (progress != null && progress.promotedAt() == null) {
                stopFeed(replica.name(), progress, sources);
            }
            progress = ReplicaFeed.Progress.start(wantedRegion, of.cluster());
            lastLag.remove(replica.key());
            LOG.info("{}: a replica of {}: fed once it is Ready", replica.key(), progress.describeSource());
            store.save(replica.name(), progress);
        }
        return feed(replica, status, progress, of == null, sources, store);
    }

    /**
     * A blue/green upgrade of the source since the replica's copy took the source's leaves' captures (a leaf's changes
     * stream to one place at a time), and green, which serves now, has its own: what was written meanwhile reached green
     * only. Once the upgrade is over (done or abandoned), the replica starts again from a copy, which replaces its rows.
     */
    private ReplicaFeed.Progress refilledAfterSourceUpgrade(Replica replica, ReplicaFeed.Progress progress,
                                                           Optional<ReplicaSource> source, ProgressStore store) {
        if (progress.copiedAt() == null || progress.promotingSince() != null || source.isEmpty() || source.get().upgrading()
                || Objects.equals(source.get().lastUpgradeStartedAt().orElse(null), progress.sourceUpgradeAtCopy())) {
            return progress;
        }
        LOG.warn("{}: {} was upgraded blue/green (from {}) since this replica was copied; its changes during the upgrade"
                        + " went to its new deployment only: filling the replica again (a new copy replaces its rows)", replica.key(),
                progress.describeSource(), source.get().lastUpgradeStartedAt().orElse("?"));
        ReplicaFeed.Progress again = ReplicaFeed.Progress.start(progress.sourceRegion(), progress.source());
        copies.forget(replica.key());
        retries.remove(replica.key());
        lastLag.remove(replica.key());
        store.save(replica.name(), again);
        return again;
    }

    private DatabaseClusterStatus feed(Replica replica, DatabaseClusterStatus status, ReplicaFeed.Progress stored,
                                       boolean promote, Sources sources, ProgressStore store) {
        // the lag changes with every pass: kept here, and stored with the progress only when it moved by a second or
        // more (the promotion of a lost source reports the newest one, which a restart would lose)
        Double known = lastLag.get(replica.key());
        ReplicaFeed.Progress progress = known != null && stored.promotingSince() == null ? stored.lag(known) : stored;
        Optional<ReplicaSource> source = sources.find(progress.sourceRegion(), progress.source());
        if (!promote) {
            progress = refilledAfterSourceUpgrade(replica, progress, source, store);
        }
        Topology target = replica.target();
        boolean capturing = source.isPresent() && source.get().capturing();
        boolean streaming = source.isPresent() && source.get().streamsTo().filter(replica.name()::equals).isPresent();
        Optional<Duration> lag = streaming ? lag(replica, source.get(), target) : Optional.empty();
        Optional<String> differ = progress.promotingSince() != null && Boolean.TRUE.equals(progress.sourceFenced()) && source.isPresent()
                ? Optional.of(TableComparison.differences(switchover, source.get().topology(), target)) : Optional.empty();
        ReplicaFeed.Seen seen = new ReplicaFeed.Seen(clock.instant(), status.phase() == Phase.Ready, source.isPresent(), capturing,
                streaming, lag, differ);
        ReplicaFeed.Move move = ReplicaFeed.next(progress, seen, promote);
        if ((move instanceof ReplicaFeed.Move.Hold || move instanceof ReplicaFeed.Move.Copy) && !copies.running(replica.key())
                && source.isPresent() && source.get().upgrading()) {
            // copied from blue, the replica would miss what blue streams to green until the switch: fed from the cluster
            // the upgrade leaves
            move = new ReplicaFeed.Move.Wait(ReplicaFeed.WAITING, "source " + progress.describeSource()
                    + " is being upgraded blue/green: fed once the upgrade is over");
        }
        ReplicaFeed.Progress next = progress;
        String failure = null;
        Instant now = clock.instant();
        switch (move) {
            case ReplicaFeed.Move.Wait wait -> LOG.debug("{}: {}", replica.key(), wait.message());
            case ReplicaFeed.Move.Hold hold -> ask(replica, source.orElseThrow(), target(replica, true), hold.message());
            case ReplicaFeed.Move.Copy copy -> {
                if (!copies.running(replica.key()) && switchover.fenced(target)) {
                    // a former source that a replica was promoted away from, now fed back from it (failback): the copy and
                    // the stream write into it
                    LOG.warn("{}: read-only since a replica was promoted away from it: taking writes again to be fed from {}",
                            replica.key(), progress.describeSource());
                    switchover.unfence(target);
                }
                if (!copies.running(replica.key())) {
                    // as the copy starts: an upgrade of the source that begins later is one the copy does not cover
                    source.orElseThrow().lastUpgradeStartedAt().ifPresentOrElse(at -> copyUpgrade.put(replica.key(), at),
                            () -> copyUpgrade.remove(replica.key()));
                }
                Optional<BackgroundCopies.Result> copied = Optional.empty();
                CopyRetry retry = retries.get(replica.key());
                if (retry != null && !copies.running(replica.key()) && now.isBefore(retry.at())) {
                    // a copy failing at once (the replica unreachable, say) is not started again on every pass
                    failure = retry.message();
                } else {
                    try {
                        copied = copies.poll(replica.key(), source.orElseThrow().topology(), target);
                    } catch (RuntimeException e) {
                        // meanwhile the status says why the replica is not filled
                        int failures = retry == null ? 1 : retry.failures() + 1;
                        Duration wait = COPY_RETRY_FIRST.multipliedBy(1L << Math.min(failures - 1, 10));
                        wait = wait.compareTo(COPY_RETRY_MAX) > 0 ? COPY_RETRY_MAX : wait;
                        failure = "the copy failed, starting it again in " + wait.toSeconds() + " s (failures so far: "
                                + failures + "): " + Causes.rootMessage(e);
                        LOG.warn("{}: {}", replica.key(), failure, e);
                        retries.put(replica.key(), new CopyRetry(now.plus(wait), failures, failure));
                    }
                }
                if (copied.isPresent()) {
                    retries.remove(replica.key());
                    LOG.info("{}: {} tables made ({}), {} rows copied from {} in {} ms", replica.key(),
                            copied.get().tables().size(), String.join(", ", copied.get().tables()), copied.get().totalRows(),
                            progress.describeSource(), copied.get().millis());
                    next = progress.copied(copied.get().finishedAt(), copied.get().totalRows(), copyUpgrade.get(replica.key()));
                }
            }
            case ReplicaFeed.Move.Stream start -> {
                ask(replica, source.orElseThrow(), target(replica, false), start.message());
                next = progress.streaming(now);
            }
            case ReplicaFeed.Move.Fence fence -> {
                LOG.warn("{}: {}", replica.key(), fence.message());
                boolean fenced = false;
                if (source.isPresent()) {
                    try {
                        switchover.fence(source.get().topology());
                        fenced = true;
                    } catch (RuntimeException e) {
                        LOG.warn("{}: could not fence {}: {}", replica.key(), progress.describeSource(), e.getMessage());
                    }
                }
                next = progress.promotingSince() == null ? progress.promoting(now, fenced) : progress.fenced(fenced);
            }
            case ReplicaFeed.Move.Promote promotion -> {
                LOG.warn("{}: {}", replica.key(), promotion.message());
                // still reached afterwards when fenced: each pass of the promoted replica checks it stays fenced
                stopStream(replica.name(), source, !Boolean.TRUE.equals(progress.sourceFenced()));
                copies.forget(replica.key());
                retries.remove(replica.key());
                next = progress.promoted(now, promotion.message());
            }
        }
        if (lag.isPresent() && next.promotingSince() == null) {
            double seconds = Math.round(lag.get().toMillis() / 100.0) / 10.0;
            if (!Objects.equals(seconds, next.lagSeconds())) {
                next = next.lag(seconds);
            }
            lastLag.put(replica.key(), seconds);
        }
        if (!next.lag(null).equals(stored.lag(null)) || lagMoved(stored.lagSeconds(), next.lagSeconds())) {
            store.save(replica.name(), next);
        }
        String state = next.promotedAt() != null ? ReplicaFeed.PROMOTED : move.state();
        return status.withReplication(new ReplicationStatus(next.describeSource(),
                state + ": " + (next.promotedAt() != null ? next.caughtUp() : failure != null ? failure : move.message()),
                next.promotedAt() != null ? null : lag.map(l -> l.toMillis() / 1000.0).orElse(null), next.rowsCopied(),
                next.promotedAt(), next.promotedAt() != null ? next.lagSeconds() : null, next.sourceFenced()));
    }

    /**
     * Asks the source to capture for the replica; said once at INFO (the move repeats until the source's next pass has
     * acted on it).
     */
    private static void ask(Replica replica, ReplicaSource source, ReplicationTarget wanted, String message) {
        if (source.replicationTarget().filter(wanted::equals).isPresent()) {
            LOG.debug("{}: {} (asked, waiting for the source's pass)", replica.key(), message);
            return;
        }
        LOG.info("{}: {}", replica.key(), message);
        source.replicate(wanted);
    }

    /**
     * A source fenced by this replica's promotion stays read-only until it is fed back from it (failback): Ignite comes
     * back taking writes after all its nodes restarted (measured: a suspend and resume), and two clusters taking writes
     * for the same keys would split the data. Each pass of the promoted replica fences it again when it finds it
     * writable; what was written in between (the pass's interval at most) stays only there.
     */
    private void keepSourceFenced(Replica replica, ReplicaFeed.Progress progress, Sources sources, ProgressStore store) {
        if (!Boolean.TRUE.equals(progress.sourceFenced()) || progress.failedBackAt() != null) {
            return;
        }
        Optional<ReplicaSource> source = sources.find(progress.sourceRegion(), progress.source());
        if (source.isEmpty()) {
            return;
        }
        ReplicaOfSpec back = source.get().topology().spec().replicaOf();
        if (back != null && back.cluster().equals(replica.name())) {
            // failback: unfenced on purpose, to be fed from this replica, and promoted back some day (then it fences this one)
            LOG.info("{}: {} is now fed from this cluster (failback): it is no longer kept fenced", replica.key(),
                    progress.describeSource());
            source.get().release();
            store.save(replica.name(), progress.failedBack(clock.instant()));
            return;
        }
        try {
            if (!switchover.fenced(source.get().topology())) {
                LOG.warn("{}: {} takes writes again (all its nodes restarted) though this replica was promoted away from"
                        + " it: fencing it again", replica.key(), progress.describeSource());
                switchover.fence(source.get().topology());
            }
        } catch (RuntimeException e) {
            // down, or starting: asked again on the next pass
            LOG.debug("{}: could not check that {} is still fenced: {}", replica.key(), progress.describeSource(), e.getMessage());
        }
    }

    /** Now minus the source time up to which the replica holds every leaf's changes; empty when not measured yet. */
    private Optional<Duration> lag(Replica replica, ReplicaSource source, Topology target) {
        try {
            return capture.replicatedUpTo(source.topology(), target).map(upTo -> Duration.between(upTo, clock.instant()));
        } catch (RuntimeException e) {
            LOG.debug("{}: lag not measured: {}", replica.key(), e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean lagMoved(Double stored, Double now) {
        return now != null && (stored == null || Math.abs(now - stored) >= 1.0);
    }

    private static ReplicationStatus promoted(ReplicaFeed.Progress progress) {
        return new ReplicationStatus(progress.describeSource(), ReplicaFeed.PROMOTED + ": " + progress.caughtUp(), null,
                progress.rowsCopied(), progress.promotedAt(), progress.lagSeconds(), progress.sourceFenced());
    }

    /**
     * The replica is no longer fed from the source (deleted, or fed from another one): the source stops streaming to it,
     * when it can be reached and streams to it, and is released.
     */
    public void stopFeed(String replica, ReplicaFeed.Progress progress, Sources sources) {
        stopStream(replica, sources.find(progress.sourceRegion(), progress.source()), true);
    }

    private static void stopStream(String replica, Optional<ReplicaSource> source, boolean release) {
        source.ifPresent(found -> {
            if (found.replicationTarget().filter(t -> t.cluster().equals(replica)).isPresent()) {
                found.stopReplicating();
            }
            if (release) {
                found.release();
            }
        });
    }

    private static ReplicationTarget target(Replica replica, boolean held) {
        return new ReplicationTarget(replica.name(), replica.reachableAt(), held);
    }
}

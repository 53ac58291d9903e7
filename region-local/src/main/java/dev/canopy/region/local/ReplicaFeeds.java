package dev.canopy.region.local;

import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.ReplicationStatus;
import dev.canopy.core.BackgroundCopies;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.ReplicaFeed;
import dev.canopy.core.ReplicationTarget;
import dev.canopy.core.Switchover;
import dev.canopy.core.TableComparison;
import dev.canopy.core.Topology;
import dev.canopy.runtime.local.LocalRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Feeds the replica clusters of a local region from their sources (in this region or another local one), one
 * {@link ReplicaFeed#next} move per pass of the replica: the source region is asked to capture (held), the rows are
 * copied, the hold is released; removing {@code replicaOf} promotes. The replica's status gets
 * {@code status.replication}.
 */
final class ReplicaFeeds {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFeeds.class);

    private final String regionName;
    private final ClusterStore store;
    private final LocalRuntime runtime;
    private final Switchover switchover;
    private final Clock clock;
    private final BackgroundCopies copies;
    /** The newest lag of each replica (seconds): persisted only when it moved by a second or more. */
    private final Map<String, Double> lastLag = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Function<String, Optional<LocalRegion>> regions;

    ReplicaFeeds(String regionName, ClusterStore store, LocalRuntime runtime, Switchover switchover, Clock clock,
                 Function<String, Optional<LocalRegion>> regions) {
        this.regionName = regionName;
        this.store = store;
        this.runtime = runtime;
        this.switchover = switchover;
        this.clock = clock;
        this.regions = regions;
        this.copies = new BackgroundCopies(switchover, clock);
    }

    void regions(Function<String, Optional<LocalRegion>> resolver) {
        this.regions = resolver;
    }

    /** One pass of the replica (a cluster whose spec names a source, or that was fed and is not yet promoted). */
    DatabaseClusterStatus pass(StoredCluster replica, DatabaseClusterStatus status) {
        ReplicaOfSpec of = replica.spec().replicaOf();
        Optional<ReplicaFeed.Progress> stored = store.replica(replica.name());
        if (of == null && stored.isEmpty()) {
            return status;
        }
        ReplicaFeed.Progress progress = stored.orElse(null);
        if (of == null && progress.promotedAt() != null) {
            return status.withReplication(promoted(progress));
        }
        String wantedRegion = of == null ? null : of.region() == null ? regionName : of.region();
        if (of != null && (progress == null || progress.promotedAt() != null
                || !progress.source().equals(of.cluster()) || !progress.sourceRegion().equals(wantedRegion))) {
            if (progress != null && progress.promotedAt() == null) {
                stopFeed(replica.name(), progress);
            }
            progress = ReplicaFeed.Progress.start(wantedRegion, of.cluster());
            lastLag.remove(replica.name());
            LOG.info("{}: a replica of {}: fed once it is Ready", replica.name(), progress.describeSource());
            store.writeReplica(replica.name(), progress);
        }
        return feed(replica, status, progress, of == null);
    }

    private DatabaseClusterStatus feed(StoredCluster replica, DatabaseClusterStatus status, ReplicaFeed.Progress stored,
                                       boolean promote) {
        // the lag changes with every pass: kept here, and written with the progress only when it moved by a second or
        // more (the promotion of a lost source reports the newest one, which a platform restart would lose)
        Double known = lastLag.get(replica.name());
        ReplicaFeed.Progress progress = known != null && stored.promotingSince() == null ? stored.lag(known) : stored;
        Optional<LocalRegion> sourceRegion = regions.apply(progress.sourceRegion());
        Optional<Topology> source = sourceRegion.flatMap(r -> r.sourceTopology(progress.source()));
        String deployment = store.deployment(replica.name());
        Topology target = new Topology(deployment, replica.spec(), runtime.place(deployment, DesiredNodes.all(replica.spec())));
        boolean capturing = source.isPresent() && sourceRegion.get().capturing(progress.source());
        boolean streaming = source.isPresent() && sourceRegion.get().streamsTo(progress.source())
                .filter(replica.name()::equals).isPresent();
        Optional<Duration> lag = source.isPresent() ? sourceRegion.get().replicationLag(progress.source()) : Optional.empty();
        Optional<String> differ = progress.promotingSince() != null && Boolean.TRUE.equals(progress.sourceFenced()) && source.isPresent()
                ? Optional.of(TableComparison.differences(switchover, source.get(), target)) : Optional.empty();
        ReplicaFeed.Seen seen = new ReplicaFeed.Seen(clock.instant(), status.phase() == Phase.Ready, source.isPresent(), capturing,
                streaming, lag, differ);
        ReplicaFeed.Move move = ReplicaFeed.next(progress, seen, promote);
        ReplicaFeed.Progress next = progress;
        Instant now = clock.instant();
        switch (move) {
            case ReplicaFeed.Move.Wait wait -> LOG.debug("{}: {}", replica.name(), wait.message());
            case ReplicaFeed.Move.Hold hold -> {
                LOG.info("{}: {}", replica.name(), hold.message());
                sourceRegion.orElseThrow().replicate(progress.source(), target(replica.name(), target, true));
            }
            case ReplicaFeed.Move.Copy copy -> {
                if (!copies.running(replica.name()) && switchover.fenced(target)) {
                    // a former source that a replica was promoted away from, now fed back from it (failback): the copy and
                    // the stream write into it
                    LOG.warn("{}: read-only since {} was promoted away from it: taking writes again to be fed from {}",
                            replica.name(), "a replica", progress.describeSource());
                    switchover.unfence(target);
                }
                Optional<BackgroundCopies.Result> copied = copies.poll(replica.name(), source.orElseThrow(), target);
                if (copied.isPresent()) {
                    LOG.info("{}: {} tables made ({}), {} rows copied from {} in {} ms", replica.name(),
                            copied.get().tables().size(), String.join(", ", copied.get().tables()), copied.get().totalRows(),
                            progress.describeSource(), copied.get().millis());
                    next = progress.copied(copied.get().finishedAt(), copied.get().totalRows());
                }
            }
            case ReplicaFeed.Move.Stream start -> {
                LOG.info("{}: {}", replica.name(), start.message());
                sourceRegion.orElseThrow().replicate(progress.source(), target(replica.name(), target, false));
                next = progress.streaming(now);
            }
            case ReplicaFeed.Move.Fence fence -> {
                LOG.warn("{}: {}", replica.name(), fence.message());
                boolean fenced = false;
                if (source.isPresent()) {
                    try {
                        switchover.fence(source.get());
                        fenced = true;
                    } catch (RuntimeException e) {
                        LOG.warn("{}: could not fence {}: {}", replica.name(), progress.describeSource(), e.getMessage());
                    }
                }
                next = progress.promoting(now, fenced);
            }
            case ReplicaFeed.Move.Promote promotion -> {
                LOG.warn("{}: {}", replica.name(), promotion.message());
                stopFeed(replica.name(), progress);
                next = progress.promoted(now, promotion.message());
            }
        }
        if (lag.isPresent() && next.promotingSince() == null) {
            double seconds = Math.round(lag.get().toMillis() / 100.0) / 10.0;
            if (!Objects.equals(seconds, next.lagSeconds())) {
                next = next.lag(seconds);
            }
            lastLag.put(replica.name(), seconds);
        }
        if (!next.lag(null).equals(stored.lag(null)) || lagMoved(stored.lagSeconds(), next.lagSeconds())) {
            store.writeReplica(replica.name(), next);
        }
        String state = next.promotedAt() != null ? ReplicaFeed.PROMOTED : move.state();
        return status.withReplication(new ReplicationStatus(next.describeSource(),
                state + ": " + (next.promotedAt() != null ? next.caughtUp() : move.message()),
                next.promotedAt() != null ? null : lag.map(l -> l.toMillis() / 1000.0).orElse(null), next.rowsCopied(),
                next.promotedAt(), next.promotedAt() != null ? next.lagSeconds() : null, next.sourceFenced()));
    }

    private static boolean lagMoved(Double stored, Double now) {
        return now != null && (stored == null || Math.abs(now - stored) >= 1.0);
    }

    private static ReplicationStatus promoted(ReplicaFeed.Progress progress) {
        return new ReplicationStatus(progress.describeSource(), ReplicaFeed.PROMOTED + ": " + progress.caughtUp(), null,
                progress.rowsCopied(), progress.promotedAt(), progress.lagSeconds(), progress.sourceFenced());
    }

    /** Stops the source streaming to this replica, when the source can be reached. */
    void stopFeed(String replica, ReplicaFeed.Progress progress) {
        regions.apply(progress.sourceRegion()).ifPresent(region -> {
            if (region.replicationTarget(progress.source()).filter(t -> t.cluster().equals(replica)).isPresent()) {
                region.stopReplicating(progress.source());
            }
        });
    }

    private static ReplicationTarget target(String replica, Topology target, boolean held) {
        return new ReplicationTarget(replica, target.aggregators().stream().map(NodePlacement::sqlAddress).toList(), held);
    }

}

package dev.canopy.region.local;

import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.core.BlueGreen;
import dev.canopy.core.ChangeCapture;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.ReplicaFeed;
import dev.canopy.core.ReplicaFeeder;
import dev.canopy.core.ReplicaSource;
import dev.canopy.core.ReplicationTarget;
import dev.canopy.core.Switchover;
import dev.canopy.core.Topology;
import dev.canopy.runtime.local.LocalRuntime;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/**
 * Feeds the replica clusters of a local region from their sources (in this region or another local one) through core's
 * {@link ReplicaFeeder}: a source is a cluster of a {@link LocalRegion} in this JVM, the progress is the store's
 * {@code replica.json}.
 */
final class ReplicaFeeds {
    private final String regionName;
    private final ClusterStore store;
    private final LocalRuntime runtime;
    private final ReplicaFeeder feeder;
    private final ReplicaFeeder.ProgressStore progress;
    private volatile Function<String, Optional<LocalRegion>> regions;

    ReplicaFeeds(String regionName, ClusterStore store, LocalRuntime runtime, Switchover switchover, ChangeCapture capture,
                 Clock clock, Function<String, Optional<LocalRegion>> regions) {
        this.regionName = regionName;
        this.store = store;
        this.runtime = runtime;
        this.regions = regions;
        this.feeder = new ReplicaFeeder(switchover, capture, clock);
        this.progress = new ReplicaFeeder.ProgressStore() {
            @Override
            public Optional<ReplicaFeed.Progress> load(String replica) {
                return store.replica(replica);
            }

            @Override
            public void save(String replica, ReplicaFeed.Progress next) {
                store.writeReplica(replica, next);
            }
        };
    }

    void regions(Function<String, Optional<LocalRegion>> resolver) {
        this.regions = resolver;
    }

    /** One pass of the replica (a cluster whose spec names a source, or that was fed and is not yet promoted). */
    DatabaseClusterStatus pass(StoredCluster replica, DatabaseClusterStatus status) {
        if (replica.spec().replicaOf() == null && store.replica(replica.name()).isEmpty()) {
            return status;
        }
        String deployment = store.deployment(replica.name());
        Topology target = new Topology(deployment, replica.spec(), runtime.place(deployment, DesiredNodes.all(replica.spec())));
        return feeder.pass(new ReplicaFeeder.Replica(replica.name(), replica.name(), replica.spec(), target), status, regionName,
                this::source, progress);
    }

    /** Stops the source streaming to this replica, when the source can be reached. */
    void stopFeed(String replica, ReplicaFeed.Progress progress) {
        feeder.stopFeed(replica, progress, this::source);
    }

    private Optional<ReplicaSource> source(String region, String cluster) {
        return regions.apply(region).flatMap(r -> r.sourceTopology(cluster).map(topology -> new Source(r, cluster, topology)));
    }

    /** A cluster of a local region as a replica's source. */
    private record Source(LocalRegion region, String cluster, Topology topology) implements ReplicaSource {
        @Override
        public Optional<String> lastUpgradeStartedAt() {
            return region.lastUpgrade(cluster).map(BlueGreen.Progress::startedAt);
        }

        @Override
        public boolean upgrading() {
            return region.lastUpgrade(cluster).filter(BlueGreen.Progress::inProgress).isPresent();
        }

        @Override
        public boolean capturing() {
            return region.capturing(cluster);
        }

        @Override
        public Optional<String> streamsTo() {
            return region.streamsTo(cluster);
        }

        @Override
        public Optional<ReplicationTarget> replicationTarget() {
            return region.replicationTarget(cluster);
        }

        @Override
        public void replicate(ReplicationTarget target) {
            region.replicate(cluster, target);
        }

        @Override
        public void stopReplicating() {
            region.stopReplicating(cluster);
        }
    }
}

package dev.canopy.controlplane.region;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What each region holds, kept in memory so that answering the API never waits on a region: each region is listed in
 * the background (one call for all its clusters) and, where it tells changes ({@link Region#onChange}), a changed
 * cluster is read again on its next read. A region that stops answering keeps its last list, marked stale since its
 * first failed read, rather than failing every answer; it catches up on the next list that succeeds. Only a region
 * never read yet is asked on a request (and its failure is then the request's).
 */
public final class RegionStatusCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegionStatusCache.class);

    private final Regions regions;
    private final Clock clock;
    private final Duration pushedEvery;
    private final Duration polledEvery;
    private final Map<String, Snapshot> byRegion = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("canopy-region-status").daemon().factory());

    /**
     * @param pushedEvery how often a region that tells its changes is listed again anyway (what it does not tell: a
     *                    deleted cluster's directory gone)
     * @param polledEvery how often a region that tells nothing is listed (a Kubernetes region: one call to its API server)
     */
    public RegionStatusCache(Regions regions, Clock clock, Duration pushedEvery, Duration polledEvery) {
        this.regions = regions;
        this.clock = clock;
        this.pushedEvery = pushedEvery;
        this.polledEvery = polledEvery;
    }

    public RegionStatusCache start() {
        refresher.scheduleWithFixedDelay(this::refreshDue, 0, Math.max(50, Math.min(pushedEvery.toMillis(), polledEvery.toMillis()) / 2),
                TimeUnit.MILLISECONDS);
        return this;
    }

    /** One region's clusters as last listed, and what changed since. */
    private static final class Snapshot {
        final boolean pushes;
        final Map<String, RegionCluster> clusters = new ConcurrentHashMap<>();
        final Set<String> changed = ConcurrentHashMap.newKeySet();
        volatile Instant listedAt;
        volatile Instant staleSince;
        volatile String staleReason;

        Snapshot(boolean pushes) {
            this.pushes = pushes;
        }
    }

    /**
     * The cluster as the region last told it; empty when the region does not have it.
     *
     * @throws RegionUnavailableException when the region was never read and does not answer now
     */
    public Optional<RegionCluster> get(String region, String nameInRegion) {
        Snapshot snapshot = snapshot(region);
        if (snapshot.changed.remove(nameInRegion) || (!snapshot.clusters.containsKey(nameInRegion) && snapshot.staleSince == null)) {
            // told it changed, or not there at the last list (made since): read it now, once
            try {
                Optional<RegionCluster> now = regions.of(region).get(nameInRegion);
                now.ifPresentOrElse(c -> snapshot.clusters.put(nameInRegion, c), () -> snapshot.clusters.remove(nameInRegion));
                return now;
            } catch (RegionUnavailableException e) {
                markStale(region, snapshot, e);
            }
        }
        return Optional.ofNullable(snapshot.clusters.get(nameInRegion));
    }

    /** Since when the region's clusters are as last read, not as they are; empty while it answers. */
    public Optional<Instant> staleSince(String region) {
        Snapshot snapshot = byRegion.get(region);
        return snapshot == null ? Optional.empty() : Optional.ofNullable(snapshot.staleSince);
    }

    /** Read the cluster again on its next read: this control plane changed it. */
    public void changed(String region, String nameInRegion) {
        Snapshot snapshot = byRegion.get(region);
        if (snapshot != null) {
            snapshot.changed.add(nameInRegion);
        }
    }

    private Snapshot snapshot(String region) {
        Snapshot snapshot = byRegion.get(region);
        if (snapshot != null) {
            return snapshot;
        }
        synchronized (this) {
            snapshot = byRegion.get(region);
            if (snapshot == null) {
                Region of = regions.of(region);
                Snapshot made = new Snapshot(of.onChange(name -> {
                    Snapshot told = byRegion.get(region);
                    if (told != null) {
                        told.changed.add(name);
                    }
                }));
                // the first list on the request's thread: a region that does not answer fails it, as nothing is known yet
                list(of, made);
                byRegion.put(region, made);
                snapshot = made;
            }
            return snapshot;
        }
    }

    private void refreshDue() {
        Instant now = clock.instant();
        for (Region region : regions.all()) {
            Snapshot snapshot = byRegion.get(region.name());
            if (snapshot == null) {
                continue;
            }
            Duration every = snapshot.pushes ? pushedEvery : polledEvery;
            if (snapshot.listedAt != null && snapshot.listedAt.plus(every).isAfter(now)) {
                continue;
            }
            try {
                list(region, snapshot);
            } catch (RegionUnavailableException e) {
                markStale(region.name(), snapshot, e);
            } catch (RuntimeException e) {
                LOG.warn("region {}: listing its clusters failed: {}", region.name(), e.toString());
                markStale(region.name(), snapshot, e);
            }
        }
        // regions removed from the platform are forgotten
        byRegion.keySet().removeIf(name -> regions.find(name).isEmpty());
    }

    private void list(Region region, Snapshot snapshot) {
        Instant at = clock.instant();
        Map<String, RegionCluster> listed = new ConcurrentHashMap<>();
        for (RegionCluster cluster : region.list()) {
            listed.put(cluster.name(), cluster);
        }
        snapshot.clusters.keySet().retainAll(listed.keySet());
        snapshot.clusters.putAll(listed);
        snapshot.listedAt = at;
        if (snapshot.staleSince != null) {
            LOG.info("region {} answers again: its clusters are as it tells them (stale since {})", region.name(), snapshot.staleSince);
        }
        snapshot.staleSince = null;
        snapshot.staleReason = null;
    }

    private void markStale(String region, Snapshot snapshot, RuntimeException e) {
        if (snapshot.staleSince == null) {
            snapshot.staleSince = clock.instant();
            snapshot.staleReason = e.getMessage();
            LOG.warn("region {} does not answer: its clusters are shown as last read, stale from now on: {}", region, e.getMessage());
        }
        snapshot.listedAt = clock.instant();
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}

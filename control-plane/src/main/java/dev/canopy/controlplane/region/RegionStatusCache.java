package dev.canopy.controlplane.region;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What each region holds, kept in memory so that answering the API never waits on a region: a read is one map lookup.
 * The cache's own threads keep it: each region is listed in the background (one call for all its clusters), and where
 * a region tells its changes ({@link Region#onChange}) the changed cluster is read at once on the telling thread (the
 * region's own); a cluster asked for that the last list did not have is fetched by the cache's reader thread. A change this control plane makes is read back on the writing request's thread ({@link #changed}), so the
 * writer reads its own write. A region that stops answering, or has not been read yet, keeps its last list, marked
 * stale since then, rather than failing any answer; it catches up on the next list that succeeds.
 */
public final class RegionStatusCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegionStatusCache.class);
    private static final String NOT_READ_YET = "not read yet";

    private final Regions regions;
    private final Clock clock;
    private final Duration pushedEvery;
    private final Duration polledEvery;
    private final Map<String, Snapshot> byRegion = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("canopy-region-status").daemon().factory());
    private final ExecutorService reader = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("canopy-region-changes").daemon().factory());
    private final AtomicBoolean readScheduled = new AtomicBoolean();
    /** Orders what is known: a list started before a cluster was read again must not put the older state back. */
    private final AtomicLong sequence = new AtomicLong();

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

    /** Lists every region known now once, before the first answer, then keeps them in the background. */
    public RegionStatusCache start() {
        for (Region region : regions.all()) {
            refresh(region, snapshot(region.name()));
        }
        refresher.scheduleWithFixedDelay(this::refreshDue, 0, Math.max(50, Math.min(pushedEvery.toMillis(), polledEvery.toMillis()) / 2),
                TimeUnit.MILLISECONDS);
        return this;
    }

    /** A cluster as known, and when it became so in this cache's order. */
    private record Known(RegionCluster cluster, long sequence) {
    }

    /** One region's clusters as last listed or read, and what is to be read again. */
    private static final class Snapshot {
        final boolean pushes;
        final Map<String, Known> clusters = new ConcurrentHashMap<>();
        /** Asked for while not in the last list: the reader reads them. */
        final Set<String> toRead = ConcurrentHashMap.newKeySet();
        /** Read since the last list and not in the region: not read again until the next list. */
        final Set<String> absent = ConcurrentHashMap.newKeySet();
        volatile Instant listedAt;
        volatile Instant staleSince;
        volatile String staleReason;

        Snapshot(boolean pushes, Instant created) {
            this.pushes = pushes;
            this.staleSince = created;
            this.staleReason = NOT_READ_YET;
        }
    }

    /** The cluster as the region last told it; empty when the region does not have it, or has not told it yet. */
    public Optional<RegionCluster> get(String region, String nameInRegion) {
        Snapshot snapshot = snapshot(region);
        Known known = snapshot.clusters.get(nameInRegion);
        if (known == null && snapshot.listedAt != null && !snapshot.absent.contains(nameInRegion)) {
            // made since the last list, by another replica or straight in the region: the reader fetches it
            readLater(snapshot, nameInRegion);
        }
        return known == null ? Optional.empty() : Optional.of(known.cluster());
    }

    /** Since when the region's clusters are as last read, not as they are; empty while it answers. */
    public Optional<Instant> staleSince(String region) {
        Snapshot snapshot = byRegion.get(region);
        return snapshot == null ? Optional.empty() : Optional.ofNullable(snapshot.staleSince);
    }

    /**
     * This control plane just changed the cluster: read it again now, on the calling (writing) thread, so that the
     * answer to the change and every read after it show it. A region that does not answer leaves the last state, stale.
     */
    public void changed(String region, String nameInRegion) {
        Snapshot snapshot = snapshot(region);
        try {
            read(regions.of(region), snapshot, nameInRegion);
        } catch (RuntimeException e) {
            markStale(region, snapshot, e);
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
                        // on the region's own thread (the local store's writer, the informer's), never a request's: a
                        // change told is in memory by the time the telling returns
                        try {
                            read(of, told, name);
                        } catch (RuntimeException e) {
                            markStale(region, told, e);
                        }
                    }
                }), clock.instant());
                byRegion.put(region, made);
                snapshot = made;
                // listed by the refresher, never on a request's thread: until then the region shows as not read yet
                if (!refresher.isShutdown()) {
                    refresher.execute(this::refreshDue);
                }
            }
            return snapshot;
        }
    }

    private void readLater(Snapshot snapshot, String name) {
        snapshot.toRead.add(name);
        if (readScheduled.compareAndSet(false, true)) {
            try {
                reader.execute(this::readTold);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                readScheduled.set(false);
            }
        }
    }

    /** The reader thread: reads every cluster told changed, until none is left. */
    private void readTold() {
        readScheduled.set(false);
        for (Map.Entry<String, Snapshot> entry : byRegion.entrySet()) {
            Snapshot snapshot = entry.getValue();
            for (String name : Set.copyOf(snapshot.toRead)) {
                snapshot.toRead.remove(name);
                Optional<Region> region = regions.find(entry.getKey());
                if (region.isEmpty()) {
                    break;
                }
                try {
                    read(region.get(), snapshot, name);
                } catch (RuntimeException e) {
                    // the next list catches up
                    markStale(entry.getKey(), snapshot, e);
                    break;
                }
            }
        }
    }

    private void read(Region region, Snapshot snapshot, String name) {
        long at = sequence.incrementAndGet();
        Optional<RegionCluster> now = region.get(name);
        if (now.isPresent()) {
            snapshot.absent.remove(name);
            snapshot.clusters.merge(name, new Known(now.get(), at), RegionStatusCache::newer);
        } else {
            snapshot.absent.add(name);
            snapshot.clusters.computeIfPresent(name, (n, known) -> known.sequence() > at ? known : null);
        }
    }

    private static Known newer(Known held, Known read) {
        return held.sequence() > read.sequence() ? held : read;
    }

    private void refreshDue() {
        Instant now = clock.instant();
        for (Region region : regions.all()) {
            Snapshot snapshot = snapshot(region.name());
            Duration every = snapshot.pushes ? pushedEvery : polledEvery;
            if (snapshot.listedAt != null && snapshot.listedAt.plus(every).isAfter(now)) {
                continue;
            }
            refresh(region, snapshot);
        }
        // regions removed from the platform are forgotten
        byRegion.keySet().removeIf(name -> regions.find(name).isEmpty());
    }

    private void refresh(Region region, Snapshot snapshot) {
        try {
            list(region, snapshot);
        } catch (RegionUnavailableException e) {
            markStale(region.name(), snapshot, e);
        } catch (RuntimeException e) {
            LOG.warn("region {}: listing its clusters failed: {}", region.name(), e.toString());
            markStale(region.name(), snapshot, e);
        }
    }

    private void list(Region region, Snapshot snapshot) {
        long at = sequence.incrementAndGet();
        Map<String, Known> listed = new HashMap<>();
        for (RegionCluster cluster : region.list()) {
            listed.put(cluster.name(), new Known(cluster, at));
        }
        // what was read after this list began is newer than the list: kept as read
        snapshot.clusters.entrySet().removeIf(e -> !listed.containsKey(e.getKey()) && e.getValue().sequence() < at);
        listed.forEach((name, known) -> snapshot.clusters.merge(name, known, RegionStatusCache::newer));
        snapshot.absent.clear();
        snapshot.listedAt = clock.instant();
        if (snapshot.staleSince != null && !NOT_READ_YET.equals(snapshot.staleReason)) {
            LOG.info("region {} answers again: its clusters are as it tells them (stale since {})", region.name(), snapshot.staleSince);
        }
        snapshot.staleSince = null;
        snapshot.staleReason = null;
    }

    private void markStale(String region, Snapshot snapshot, RuntimeException e) {
        if (snapshot.staleSince == null || NOT_READ_YET.equals(snapshot.staleReason)) {
            if (snapshot.staleSince == null) {
                snapshot.staleSince = clock.instant();
            }
            snapshot.staleReason = e.getMessage();
            LOG.warn("region {} does not answer: its clusters are shown as last read, stale since {}: {}", region,
                    snapshot.staleSince, e.getMessage());
        }
        snapshot.listedAt = clock.instant();
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        reader.shutdownNow();
    }
}

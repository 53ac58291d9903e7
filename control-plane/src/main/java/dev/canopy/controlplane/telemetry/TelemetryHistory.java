package dev.canopy.controlplane.telemetry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The last {@code capacity} samples of every cluster, in memory: a ring per cluster, the oldest dropped first. */
public final class TelemetryHistory {
    /** A cluster of an organization; names are unique per organization only. */
    public record Key(String organization, String cluster) {
    }

    private final int capacity;
    private final Map<Key, Deque<ClusterSample>> rings = new ConcurrentHashMap<>();

    public TelemetryHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Adds the cluster's newest sample; one older than the newest it has is left out, so that the history stays in time
     * order (two replicas' samples may be read interleaved as the duties change hands).
     */
    public void add(Key key, ClusterSample sample) {
        Deque<ClusterSample> ring = rings.computeIfAbsent(key, k -> new ArrayDeque<>(capacity));
        synchronized (ring) {
            if (!ring.isEmpty() && sample.at().isBefore(ring.peekLast().at())) {
                return;
            }
            if (ring.size() == capacity) {
                ring.removeFirst();
            }
            ring.addLast(sample);
        }
    }

    /** Oldest first. */
    public List<ClusterSample> samples(Key key) {
        Deque<ClusterSample> ring = rings.get(key);
        if (ring == null) {
            return List.of();
        }
        synchronized (ring) {
            return new ArrayList<>(ring);
        }
    }

    public Optional<ClusterSample> latest(Key key) {
        Deque<ClusterSample> ring = rings.get(key);
        if (ring == null) {
            return Optional.empty();
        }
        synchronized (ring) {
            return Optional.ofNullable(ring.peekLast());
        }
    }

    public Set<Key> keys() {
        return Set.copyOf(rings.keySet());
    }

    /** Drops the history of every cluster not in {@code live}: deleted clusters leave nothing behind. */
    public void retain(Set<Key> live) {
        rings.keySet().retainAll(live);
    }
}

package dev.canopy.controlplane.region;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.InvalidSpecException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A region in memory, for tests about the API itself: it keeps specs and lets the test write the status a reconciler
 * would. Like the local region, it refuses a release it does not have, and bumps the generation on a spec change.
 */
public final class FakeRegion implements Region {
    private final String name;
    private final String kind;
    private final List<String> releases;
    private final Map<String, RegionCluster> clusters = new ConcurrentHashMap<>();
    private final AtomicInteger writes = new AtomicInteger();
    /** Database users by cluster, then by name: what a region with an engine would keep (no password). */
    private final Map<String, Map<String, DatabaseUser>> users = new ConcurrentHashMap<>();
    private int passwords;
    private final List<java.util.function.Consumer<String>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Tells every change as it happens, as the local region does: an answer reads what was just written. */
    @Override
    public boolean onChange(java.util.function.Consumer<String> changed) {
        listeners.add(changed);
        return true;
    }

    private void changed(String clusterName) {
        listeners.forEach(l -> l.accept(clusterName));
    }

    public FakeRegion(String name, List<String> releases) {
        this(name, "local", releases);
    }

    /** A region that says it is of another kind ({@code kubernetes}), for the rules that depend on it. */
    public FakeRegion(String name, String kind, List<String> releases) {
        this.name = name;
        this.kind = kind;
        this.releases = List.copyOf(releases);
    }

    @Override
    public synchronized Optional<List<DatabaseUser>> users(String clusterName) {
        if (!clusters.containsKey(clusterName)) {
            return Optional.empty();
        }
        return Optional.of(List.copyOf(new java.util.TreeMap<>(users.getOrDefault(clusterName, Map.of())).values()));
    }

    @Override
    public synchronized Optional<DatabaseLogin> createUser(String clusterName, String user) {
        if (!clusters.containsKey(clusterName)) {
            return Optional.empty();
        }
        Map<String, DatabaseUser> of = users.computeIfAbsent(clusterName, c -> new ConcurrentHashMap<>());
        if (of.containsKey(user)) {
            throw new RegionConflictException("user " + user + " of " + clusterName + " exists already");
        }
        java.time.Instant now = java.time.Instant.now();
        of.put(user, new DatabaseUser(user, now, now));
        return Optional.of(new DatabaseLogin(user, "fake-password-" + ++passwords, "jdbc:ignite:thin://127.0.0.1:1"));
    }

    @Override
    public synchronized Optional<DatabaseLogin> rotatePassword(String clusterName, String user) {
        if (!clusters.containsKey(clusterName)) {
            return Optional.empty();
        }
        DatabaseUser known = users.getOrDefault(clusterName, Map.of()).get(user);
        if (known == null) {
            throw new UnknownUserException("cluster " + clusterName + " has no user " + user + " made through the platform");
        }
        users.get(clusterName).put(user, new DatabaseUser(user, known.created(), java.time.Instant.now()));
        return Optional.of(new DatabaseLogin(user, "fake-password-" + ++passwords, "jdbc:ignite:thin://127.0.0.1:1"));
    }

    @Override
    public synchronized boolean deleteUser(String clusterName, String user) {
        if (!clusters.containsKey(clusterName)) {
            return false;
        }
        if (users.getOrDefault(clusterName, Map.of()).remove(user) == null) {
            throw new UnknownUserException("cluster " + clusterName + " has no user " + user + " made through the platform");
        }
        return true;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public synchronized long apply(String clusterName, DatabaseClusterSpec spec) {
        if (!releases.contains(spec.release())) {
            throw new InvalidSpecException(List.of("spec.release: " + spec.release() + " is not available in region "
                    + name + "; available: " + String.join(", ", releases)));
        }
        RegionCluster old = clusters.get(clusterName);
        if (old != null && old.deleting()) {
            throw new RegionConflictException("cluster " + clusterName + " is being deleted");
        }
        long generation = old == null ? 1 : old.spec().equals(spec) ? old.generation() : old.generation() + 1;
        writes.incrementAndGet();
        clusters.put(clusterName, new RegionCluster(clusterName, generation, spec, old == null ? null : old.status(), false));
        changed(clusterName);
        return generation;
    }

    /** How many specs were written here (accepted ones: a refused spec is no write). */
    public int writes() {
        return writes.get();
    }

    @Override
    public Optional<RegionCluster> get(String clusterName) {
        return Optional.ofNullable(clusters.get(clusterName));
    }

    @Override
    public synchronized boolean delete(String clusterName) {
        RegionCluster c = clusters.get(clusterName);
        if (c == null) {
            return false;
        }
        clusters.put(clusterName, new RegionCluster(c.name(), c.generation(), c.spec(), c.status(), true));
        changed(clusterName);
        return true;
    }

    @Override
    public List<RegionCluster> list() {
        return new ArrayList<>(clusters.values());
    }

    @Override
    public List<String> releases() {
        return releases;
    }

    /** When set, the health check fails with it (a region whose check cannot even run). */
    public volatile RuntimeException healthFailure;

    @Override
    public RegionHealth health() {
        if (healthFailure != null) {
            throw healthFailure;
        }
        return new RegionHealth(true, "in memory");
    }

    /** What a reconciler would write. */
    public synchronized void writeStatus(String clusterName, DatabaseClusterStatus status) {
        RegionCluster c = clusters.get(clusterName);
        clusters.put(clusterName, new RegionCluster(c.name(), c.generation(), c.spec(), status, c.deleting()));
        changed(clusterName);
    }
}

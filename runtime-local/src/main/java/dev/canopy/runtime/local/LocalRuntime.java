package dev.canopy.runtime.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.canopy.core.Captures;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodeLaunch;
import dev.canopy.core.NodeObservation;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.NodeState;
import dev.canopy.core.Runtime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

/**
 * Nodes as processes on this machine. Layout under the data directory:
 * {@code clusters/<cluster>/placements.json} (each node's ports, allocated once) and
 * {@code clusters/<cluster>/nodes/<node>/} (the node's configuration, storage, log and pid file) and
 * {@code clusters/<cluster>/captures/<leaf>/} (the configuration, log and pid file of the change-data-capture process
 * beside a leaf of a replication source; its progress is in the leaf's storage) and, once a cluster's aggregators
 * changed hands (a blue/green upgrade), {@code clusters/<cluster>/endpoints.json} (the ports its clients know, each
 * served by an {@link EndpointForwarder} to the aggregator of the same ordinal in the cluster's current deployment).
 * {@link #close()} stops every node this runtime supervises. If this JVM dies instead, its nodes either stop by
 * themselves or keep running, as its {@link NodeLifetime} says; a later runtime on the same directory adopts a cluster's
 * running nodes the first time it is asked about that cluster, so that a tool touching one cluster leaves the others be.
 */
public final class LocalRuntime implements Runtime, Captures, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRuntime.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ENDPOINTS_FILE = "endpoints.json";

    private final Path dataDir;
    private final ReleaseCatalog releases;
    private final String host;
    private final Duration stopTimeout;
    private final NodeLifetime lifetime;
    /** Clusters whose surviving nodes have been looked for (see {@link #adopt}). */
    private final Set<String> adopted = ConcurrentHashMap.newKeySet();
    private final Map<String, NodeProcess> processes = new ConcurrentHashMap<>();
    private final Map<String, NodeProcess> captures = new ConcurrentHashMap<>();
    /** cluster/aggregator to the forwarder serving its published port. */
    private final Map<String, EndpointForwarder> endpoints = new ConcurrentHashMap<>();
    /** The published endpoint ports per cluster, as in its endpoints file. */
    private final Map<String, Map<String, Integer>> published = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("canopy-local-supervisor").daemon().factory());

    public LocalRuntime(Path dataDir, ReleaseCatalog releases, String host, Duration stopTimeout, NodeLifetime lifetime) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.releases = releases;
        this.host = host;
        this.stopTimeout = stopTimeout;
        this.lifetime = lifetime;
    }

    /** Nodes that end with this runtime. */
    public LocalRuntime(Path dataDir, ReleaseCatalog releases, String host, Duration stopTimeout) {
        this(dataDir, releases, host, stopTimeout, NodeLifetime.ENDS_WITH_RUNTIME);
    }

    public LocalRuntime(Path dataDir, ReleaseCatalog releases, NodeLifetime lifetime) {
        this(dataDir, releases, "127.0.0.1", Duration.ofSeconds(30), lifetime);
    }

    public LocalRuntime(Path dataDir, ReleaseCatalog releases) {
        this(dataDir, releases, NodeLifetime.ENDS_WITH_RUNTIME);
    }

    public ReleaseCatalog releases() {
        return releases;
    }

    public Path clusterDirectory(String cluster) {
        return dataDir.resolve("clusters").resolve(cluster);
    }

    public Path nodeDirectory(String cluster, NodeId node) {
        return clusterDirectory(cluster).resolve("nodes").resolve(node.name());
    }

    public Path captureDirectory(String cluster, NodeId leaf) {
        return clusterDirectory(cluster).resolve("captures").resolve(leaf.name());
    }

    /** Supervised like a node: restarted with a growing delay when it exits unasked, stopped with the cluster. */
    @Override
    public void startCapture(String cluster, NodeId leaf, NodeLaunch launch) {
        adopt(cluster);
        captures.computeIfAbsent(key(cluster, leaf), k -> capture(cluster, leaf)).start(launch);
    }

    private NodeProcess capture(String cluster, NodeId leaf) {
        return new NodeProcess(cluster, leaf, true, captureDirectory(cluster, leaf), releases, scheduler, lifetime);
    }

    private NodeProcess node(String cluster, NodeId node) {
        return new NodeProcess(cluster, node, false, nodeDirectory(cluster, node), releases, scheduler, lifetime);
    }

    @Override
    public void stopCapture(String cluster, NodeId leaf) {
        adopt(cluster);
        NodeProcess capture = captures.remove(key(cluster, leaf));
        if (capture != null) {
            capture.stop(stopTimeout);
        }
    }

    @Override
    public Map<NodeId, String> captures(String cluster) {
        adopt(cluster);
        Map<NodeId, String> wanted = new TreeMap<>();
        captures.forEach((key, capture) -> {
            if (key.startsWith(cluster + "/")) {
                wanted.put(NodeId.parse(key.substring(cluster.length() + 1)), capture.fingerprint());
            }
        });
        return wanted;
    }

    /** The pid of the capture beside a leaf, for tests and diagnostics. */
    public OptionalLong capturePid(String cluster, NodeId leaf) {
        NodeProcess capture = captures.get(key(cluster, leaf));
        return capture == null ? OptionalLong.empty() : capture.pid();
    }

    @Override
    public synchronized Map<NodeId, NodePlacement> place(String cluster, Collection<NodeId> nodes) {
        Map<String, int[]> ports = readPlacements(cluster);
        List<NodeId> unplaced = nodes.stream().filter(n -> !ports.containsKey(n.name())).toList();
        if (!unplaced.isEmpty()) {
            // every reconcile pass places its nodes; only a new node pays for reading every cluster's ports
            Set<Integer> taken = takenPorts();
            for (NodeId node : unplaced) {
                int[] allocated = new int[3];
                for (int i = 0; i < 3; i++) {
                    allocated[i] = PortAllocator.allocate(host, taken);
                    taken.add(allocated[i]);
                }
                ports.put(node.name(), allocated);
            }
            writePlacements(cluster, ports);
        }
        Map<NodeId, NodePlacement> placements = new TreeMap<>();
        for (NodeId node : nodes) {
            int[] p = ports.get(node.name());
            placements.put(node, new NodePlacement(node, host, p[0], p[1], p[2], nodeDirectory(cluster, node).toString()));
        }
        return placements;
    }

    @Override
    public List<NodeObservation> observe(String cluster) {
        adopt(cluster);
        Set<NodeId> nodes = new HashSet<>(storedNodes(cluster));
        processes.forEach((key, process) -> {
            if (key.startsWith(cluster + "/")) {
                nodes.add(NodeId.parse(key.substring(cluster.length() + 1)));
            }
        });
        List<NodeObservation> observations = new ArrayList<>();
        for (NodeId node : nodes.stream().sorted().toList()) {
            NodeProcess process = processes.get(key(cluster, node));
            observations.add(process == null
                    ? new NodeObservation(node, NodeState.STOPPED, null, null, 0)
                    : new NodeObservation(node, process.state(), process.runningRelease(), process.fingerprint(), process.restarts(),
                    null, process.started(), process.storageBytes()));
        }
        return observations;
    }

    @Override
    public void start(String cluster, NodeId node, NodeLaunch launch) {
        adopt(cluster);
        processes.computeIfAbsent(key(cluster, node), k -> node(cluster, node)).start(launch);
    }

    @Override
    public void replace(String cluster, NodeId node, NodeLaunch launch) {
        stop(cluster, node);
        // everything but the placement goes: storage, configuration, log (kept aside for the post-mortem)
        Path dir = nodeDirectory(cluster, node);
        Path log = dir.resolve(NodeProcess.LOG_FILE);
        try {
            if (Files.exists(log)) {
                Files.move(log, clusterDirectory(cluster).resolve(node.name() + ".replaced.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.debug("could not keep the log of {}/{}", cluster, node, e);
        }
        deleteTree(dir);
        LOG.warn("{}/{}: storage deleted; starting it afresh", cluster, node);
        start(cluster, node, launch);
    }

    @Override
    public void stop(String cluster, NodeId node) {
        stop(cluster, node, stopTimeout);
    }

    /**
     * Stops a node, killing it once {@code grace} has passed: for a node whose graceful stop no one waits for (a
     * fenced aggregator whose port the clients are waiting to be moved to green).
     */
    public void stop(String cluster, NodeId node, Duration grace) {
        adopt(cluster);
        NodeProcess process = processes.get(key(cluster, node));
        if (process != null) {
            process.stop(grace);
        }
    }

    @Override
    public synchronized void delete(String cluster, NodeId node) {
        stopCapture(cluster, node);
        stop(cluster, node);
        processes.remove(key(cluster, node));
        deleteTree(nodeDirectory(cluster, node));
        Map<String, int[]> ports = readPlacements(cluster);
        if (ports.remove(node.name()) != null) {
            writePlacements(cluster, ports);
        }
        LOG.info("{}/{}: deleted with its storage", cluster, node);
    }

    /** Stops every node of the cluster, in parallel, and deletes everything it had on disk. */
    public void deleteCluster(String cluster) {
        adopt(cluster);
        closeEndpoints(cluster);
        published.remove(cluster);
        stopAll(cluster + "/");
        processes.keySet().removeIf(k -> k.startsWith(cluster + "/"));
        captures.keySet().removeIf(k -> k.startsWith(cluster + "/"));
        deleteTree(clusterDirectory(cluster));
    }

    /**
     * Stops every node and capture of the cluster and deletes their storage and placements, leaving whatever else its
     * directory holds (the region's own files, when the cluster's nodes run under its name): a retired deployment.
     */
    public synchronized void retire(String cluster) {
        adopt(cluster);
        stopAll(cluster + "/");
        processes.keySet().removeIf(k -> k.startsWith(cluster + "/"));
        captures.keySet().removeIf(k -> k.startsWith(cluster + "/"));
        Path dir = clusterDirectory(cluster);
        deleteTree(dir.resolve("nodes"));
        deleteTree(dir.resolve("captures"));
        try {
            Files.deleteIfExists(dir.resolve("placements.json"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the placements of " + cluster, e);
        }
    }

    /**
     * The cluster's published endpoint ports, by aggregator; empty while its clients connect to its aggregators' own
     * ports (until its first blue/green switch).
     */
    public synchronized Map<String, Integer> publishedEndpoints(String cluster) {
        // asked several times per pass of every cluster: read once, then kept (only this runtime writes the file)
        return published.computeIfAbsent(cluster, this::readEndpoints);
    }

    private Map<String, Integer> readEndpoints(String cluster) {
        Path file = clusterDirectory(cluster).resolve(ENDPOINTS_FILE);
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            return Collections.unmodifiableMap(new TreeMap<>(JSON.readValue(file.toFile(), new TypeReference<Map<String, Integer>>() {
            })));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Serves the cluster's clients from now on through its published ports, forwarded to the deployment's aggregators
     * (same ordinal, else aggregator-0). The first time, the ports published are these (the ones clients know: those of
     * the aggregators being replaced, which must be stopped by now); afterwards, the existing forwarders are pointed at
     * the deployment and their connections closed, so that clients reconnect to it. Also re-creates the forwarders of a
     * platform that restarted.
     */
    public synchronized void publishEndpoints(String cluster, String deployment, Map<String, Integer> firstPorts) {
        Map<String, Integer> ports = publishedEndpoints(cluster);
        if (ports.isEmpty()) {
            ports = new TreeMap<>(firstPorts);
            Path file = clusterDirectory(cluster).resolve(ENDPOINTS_FILE);
            try {
                Files.createDirectories(file.getParent());
                JSON.writeValue(file.toFile(), ports);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
            published.put(cluster, Collections.unmodifiableMap(new TreeMap<>(ports)));
        }
        for (Map.Entry<String, Integer> endpoint : ports.entrySet()) {
            String key = cluster + "/" + endpoint.getKey();
            NodeId aggregator = NodeId.parse(endpoint.getKey());
            java.util.function.Supplier<java.net.InetSocketAddress> target = () -> forwardTarget(deployment, aggregator);
            EndpointForwarder existing = endpoints.get(key);
            if (existing == null) {
                endpoints.put(key, new EndpointForwarder(key, host, endpoint.getValue(), target));
            } else {
                existing.retarget(target);
            }
        }
    }

    /** Ensures the forwarders of a cluster that published its endpoints run (after a platform restart); no retarget. */
    public synchronized void keepEndpoints(String cluster, String deployment) {
        Map<String, Integer> ports = publishedEndpoints(cluster);
        if (!ports.isEmpty() && ports.keySet().stream().anyMatch(a -> !endpoints.containsKey(cluster + "/" + a))) {
            ports.forEach((aggregator, port) -> endpoints.computeIfAbsent(cluster + "/" + aggregator, key -> new EndpointForwarder(key,
                    host, port, () -> forwardTarget(deployment, NodeId.parse(aggregator)))));
        }
    }

    private java.net.InetSocketAddress forwardTarget(String deployment, NodeId aggregator) {
        Map<String, int[]> ports = readPlacements(deployment);
        int[] placed = ports.containsKey(aggregator.name()) ? ports.get(aggregator.name()) : ports.get(NodeId.aggregator(0).name());
        if (placed == null) {
            throw new IllegalStateException(deployment + " has no aggregator to forward to");
        }
        return new java.net.InetSocketAddress(host, placed[2]);
    }

    private void closeEndpoints(String cluster) {
        endpoints.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(cluster + "/")) {
                e.getValue().close();
                return true;
            }
            return false;
        });
    }

    /** Stops every node of the cluster and keeps its storage. */
    public void stopCluster(String cluster) {
        adopt(cluster);
        stopAll(cluster + "/");
    }

    /** The pid of a node's running process, for tests and diagnostics. */
    public OptionalLong pid(String cluster, NodeId node) {
        NodeProcess process = processes.get(key(cluster, node));
        return process == null ? OptionalLong.empty() : process.pid();
    }

    @Override
    public void close() {
        endpoints.values().forEach(EndpointForwarder::close);
        endpoints.clear();
        stopAll("");
        scheduler.shutdownNow();
    }

    private void stopAll(String prefix) {
        // captures first: each reads its leaf's storage
        List<String> capturing = captures.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
        capturing.parallelStream().forEach(k -> {
            NodeProcess capture = captures.remove(k);
            if (capture != null) {
                capture.stop(stopTimeout);
            }
        });
        List<Map.Entry<String, NodeProcess>> matching = processes.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix)).toList();
        matching.forEach(e -> e.getValue().letGo());
        // aggregators first: they hold no data, and clients get a clean refusal rather than a half-answered query
        for (boolean leaves : new boolean[]{false, true}) {
            matching.parallelStream().filter(e -> e.getKey().contains("/leaf-") == leaves)
                    .forEach(e -> e.getValue().stop(stopTimeout));
        }
    }

    private List<NodeId> storedNodes(String cluster) {
        Path nodesDir = clusterDirectory(cluster).resolve("nodes");
        if (!Files.isDirectory(nodesDir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(nodesDir)) {
            return dirs.map(p -> p.getFileName().toString()).map(NodeId::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + nodesDir, e);
        }
    }

    private Set<Integer> takenPorts() {
        Set<Integer> taken = new HashSet<>();
        Path clusters = dataDir.resolve("clusters");
        if (Files.isDirectory(clusters)) {
            try (Stream<Path> dirs = Files.list(clusters)) {
                dirs.forEach(dir -> {
                    readPlacements(dir.getFileName().toString()).values().forEach(p -> Arrays.stream(p).forEach(taken::add));
                    // a published endpoint outlives the aggregator that had its port first
                    taken.addAll(publishedEndpoints(dir.getFileName().toString()).values());
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + clusters, e);
            }
        }
        return taken;
    }

    private Map<String, int[]> readPlacements(String cluster) {
        Path file = clusterDirectory(cluster).resolve("placements.json");
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            return new TreeMap<>(JSON.readValue(file.toFile(), new TypeReference<Map<String, int[]>>() {
            }));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void writePlacements(String cluster, Map<String, int[]> ports) {
        Path file = clusterDirectory(cluster).resolve("placements.json");
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("placements.json.tmp");
            JSON.writeValue(tmp.toFile(), ports);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Takes over the cluster's nodes and captures that an earlier runtime started and that are still running (once per
     * cluster and runtime): they keep serving, and the reconciler finds them up rather than starting a second copy.
     */
    private void adopt(String cluster) {
        if (!adopted.add(cluster)) {
            return;
        }
        adoptUnder(cluster, clusterDirectory(cluster).resolve("nodes"), processes, id -> node(cluster, id));
        adoptUnder(cluster, clusterDirectory(cluster).resolve("captures"), captures, id -> capture(cluster, id));
    }

    private static void adoptUnder(String cluster, Path dir, Map<String, NodeProcess> supervised,
                                   java.util.function.Function<NodeId, NodeProcess> supervisor) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> nodeDirs = Files.list(dir)) {
            for (Path nodeDir : nodeDirs.toList()) {
                Path pidFile = nodeDir.resolve(NodeProcess.PID_FILE);
                if (!Files.exists(pidFile)) {
                    continue;
                }
                NodeId id = NodeId.parse(nodeDir.getFileName().toString());
                try {
                    long pid = Long.parseLong(Files.readString(pidFile).strip());
                    Optional<ProcessHandle> found = ProcessHandle.of(pid);
                    NodeProcess process = supervisor.apply(id);
                    if (found.isPresent() && process.adopt(found.get())) {
                        supervised.put(key(cluster, id), process);
                    } else {
                        Files.deleteIfExists(pidFile);
                    }
                } catch (IOException | NumberFormatException e) {
                    LOG.debug("ignoring unreadable pid file {}", pidFile, e);
                }
            }
        } catch (IOException e) {
            LOG.warn("could not look for running nodes under {}: {}", dir, e.getMessage());
        }
    }

    /** Deletes a directory and everything under it; nothing when it does not exist. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static String key(String cluster, NodeId node) {
        return cluster + "/" + node.name();
    }
}

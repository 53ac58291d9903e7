package dev.canopy.operator;

import dev.canopy.core.Engine;
import dev.canopy.core.Snapshots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import dev.canopy.core.EngineView;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodeLaunch;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Topology;
import dev.canopy.runtime.kubernetes.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake engine for tests without Ignite (the real one is tested in engine-ignite against real nodes): a node has
 * joined when its pod is Ready, which the test sets. Activation and the baseline are kept here, per cluster; mutating
 * calls are recorded in order.
 */
final class PodReadinessEngine implements Engine, Snapshots {
    private static final com.fasterxml.jackson.databind.ObjectMapper ROWS_JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, Set<String>> baselines = new ConcurrentHashMap<>();
    private final List<String> calls = new ArrayList<>();

    /** Rows per table, per cluster, as the test sets them and restores bring them. */
    final Map<String, Map<String, Long>> tables = new ConcurrentHashMap<>();
    /** Where the leaves' snapshots are written, "in their pods"; null: this engine takes none. */
    private final PodVolumes volumes;

    PodReadinessEngine(KubernetesClient client, String namespace) {
        this(client, namespace, null);
    }

    PodReadinessEngine(KubernetesClient client, String namespace, PodVolumes volumes) {
        this.client = client;
        this.namespace = namespace;
        this.volumes = volumes;
    }

    /**
     * Each leaf writes its part in its pod: its metadata file ({@code <leaf>.smf}, as Ignite names it) holding the
     * cluster's rows, which a restore reads back.
     */
    @Override
    public void create(Topology topology, String name, Path directory) {
        requireVolumes();
        String rows = writeRows(new TreeMap<>(tables.getOrDefault(topology.cluster(), Map.of())));
        for (NodePlacement leaf : topology.leaves()) {
            Path part = volumes.path(pod(leaf), directory.resolve(name).resolve(folder(leaf.node())).toString() + ".smf");
            try {
                Files.createDirectories(part.getParent());
                Files.writeString(part, rows);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        synchronized (this) {
            calls.add(topology.cluster() + ": snapshot " + name);
        }
    }

    /** Rows per table as JSON: a table named with {@code =} or {@code , } reads back as it was written. */
    private static String writeRows(Map<String, Long> rows) {
        try {
            return ROWS_JSON.writeValueAsString(rows);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Long> readRows(String json) {
        try {
            return new TreeMap<>(ROWS_JSON.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Long>>() {
            }));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a snapshot part that is not this fake's: " + json, e);
        }
    }

    @Override
    public List<String> missingParts(Topology topology, String name, Path directory) {
        return topology.leaves().stream().map(NodePlacement::node)
                .filter(leaf -> !Files.exists(directory.resolve(name).resolve(folder(leaf) + ".smf"))).map(NodeId::name).toList();
    }

    /** Every leaf must see the whole snapshot in its pod, as the operator gives it; the rows come from its parts. */
    @Override
    public void restore(Topology topology, String name, Path directory) {
        requireVolumes();
        String rows = null;
        for (NodePlacement leaf : topology.leaves()) {
            Path snapshot = volumes.path(pod(leaf), directory.resolve(name).toString());
            try (var parts = Files.list(snapshot)) {
                List<Path> metadata = parts.filter(p -> p.getFileName().toString().endsWith(".smf")).toList();
                if (metadata.isEmpty()) {
                    throw new IllegalStateException(pod(leaf) + " has no part of snapshot " + name);
                }
                rows = Files.readString(metadata.get(0));
            } catch (IOException e) {
                throw new UncheckedIOException(pod(leaf) + " has no snapshot " + name + ": " + e.getMessage(), e);
            }
        }
        tables.put(topology.cluster(), readRows(rows));
        synchronized (this) {
            calls.add(topology.cluster() + ": restore " + name);
        }
    }

    @Override
    public Set<String> offlineLeaves(Topology topology) {
        EngineView view = observe(topology);
        Set<String> offline = new TreeSet<>(view.baseline());
        offline.removeAll(view.serverNodes());
        return offline;
    }

    @Override
    public Map<String, Long> tableRows(Topology topology) {
        return tables.getOrDefault(topology.cluster(), Map.of());
    }

    private void requireVolumes() {
        if (volumes == null) {
            throw new IllegalStateException("this test's engine takes no snapshots");
        }
    }

    private static String pod(NodePlacement leaf) {
        return leaf.host().substring(0, leaf.host().indexOf('.'));
    }

    private static String folder(NodeId leaf) {
        return leaf.name().replaceAll("[^A-Za-z0-9_]", "_");
    }

    @Override
    public NodeLaunch render(Topology topology, NodeId node) {
        NodePlacement self = topology.placement(node).orElseThrow();
        double height = node.isLeaf() ? topology.spec().leaves().height() : topology.spec().aggregators().height();
        String config = "<beans><!-- " + self.host() + " height " + height + " --></beans>";
        String fingerprint = Integer.toHexString((topology.spec().release() + self + height).hashCode());
        return new NodeLaunch(topology.spec().release(), List.of("-Xmx" + (int) (height * 2048) + "m"),
                Map.of("node.xml", config), List.of("node.xml"), fingerprint);
    }

    @Override
    public EngineView observe(Topology topology) {
        Set<String> servers = new TreeSet<>();
        Set<String> clients = new TreeSet<>();
        for (NodeId node : readyNodes(topology.cluster())) {
            (node.isLeaf() ? servers : clients).add(node.name());
        }
        if (servers.isEmpty()) {
            return EngineView.unreachable("no leaf pod is ready");
        }
        Set<String> baseline = baselines.get(topology.cluster());
        return new EngineView(true, baseline != null, servers, clients, baseline == null ? Set.of() : baseline,
                baseline == null ? -1 : 0, "pod readiness");
    }

    @Override
    public synchronized void activate(Topology topology) {
        calls.add(topology.cluster() + ": activate");
        Set<String> servers = new TreeSet<>(observe(topology).serverNodes());
        baselines.putIfAbsent(topology.cluster(), servers);
    }

    @Override
    public synchronized void setBaseline(Topology topology, Set<String> leaves) {
        calls.add(topology.cluster() + ": setBaseline " + new TreeSet<>(leaves));
        baselines.put(topology.cluster(), new TreeSet<>(leaves));
    }

    @Override
    public boolean sqlAnswers(Topology topology, NodeId aggregator) {
        return readyNodes(topology.cluster()).contains(aggregator);
    }

    Set<String> baseline(String cluster) {
        return baselines.getOrDefault(cluster, Set.of());
    }

    synchronized List<String> calls(String cluster) {
        return calls.stream().filter(c -> c.startsWith(cluster + ": ")).map(c -> c.substring(cluster.length() + 2)).toList();
    }

    private Set<NodeId> readyNodes(String cluster) {
        Set<NodeId> ready = new TreeSet<>();
        for (Pod pod : client.pods().inNamespace(namespace).withLabels(Labels.cluster(cluster)).list().getItems()) {
            boolean isReady = pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                    .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            if (isReady && pod.getMetadata().getDeletionTimestamp() == null) {
                StatefulSetController.node(cluster, pod.getMetadata().getName()).ifPresent(ready::add);
            }
        }
        return ready;
    }
}

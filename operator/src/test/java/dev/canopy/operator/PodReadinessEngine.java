package dev.canopy.operator;

import dev.canopy.core.Engine;
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
final class PodReadinessEngine implements Engine {
    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, Set<String>> baselines = new ConcurrentHashMap<>();
    private final List<String> calls = new ArrayList<>();

    PodReadinessEngine(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
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

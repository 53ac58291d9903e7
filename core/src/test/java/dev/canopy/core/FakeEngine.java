package dev.canopy.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A simulated cluster behind the {@link Engine} interface, no processes. It asks the {@link FakeRuntime} which nodes
 * run: a running leaf has joined the server nodes and a running aggregator the client nodes, unless a test holds it
 * back with {@link #holdBack}. {@link #activate} makes the cluster active and, the first time, sets the baseline to
 * the joined leaves; {@link #setBaseline} sets it. Like a persistent cluster, it goes inactive when its last server node
 * leaves and comes back active by itself once every baseline node has joined again. Mutating calls are recorded in
 * {@link #calls()} and in the runtime's {@link FakeRuntime#journal()}.
 */
final class FakeEngine implements Engine {

    /** The engine-side state of one cluster. */
    private static final class FakeCluster {
        boolean active;
        boolean awaitingBaseline;
        Set<String> baseline = new TreeSet<>();
    }

    private final FakeRuntime runtime;
    private final Map<String, FakeCluster> clusters = new HashMap<>();
    private final Set<NodeId> heldBack = new HashSet<>();
    private final Set<NodeId> sqlHeldBack = new HashSet<>();
    private final List<String> calls = new ArrayList<>();
    private boolean sqlWorks = true;
    private String baselineFailure;
    private int partitionsNotOwning;
    private int observeCalls;
    private int renderCalls;
    private int sqlCalls;

    FakeEngine(FakeRuntime runtime) {
        this.runtime = runtime;
        runtime.onChange(() -> clusters.keySet().forEach(this::sync));
    }

    // --- Engine ---------------------------------------------------------------------------------------------------

    @Override
    public NodeLaunch render(Topology topology, NodeId node) {
        renderCalls++;
        NodePlacement placement = topology.placement(node)
                .orElseThrow(() -> new IllegalArgumentException(node + " has no placement in " + topology.cluster()));
        String discovery = topology.leaves().stream().map(NodePlacement::discoveryAddress).collect(Collectors.joining(","));
        StringBuilder properties = new StringBuilder()
                .append("name=").append(node.name()).append('\n')
                .append("role=").append(node.role()).append('\n')
                .append("availabilityGroup=").append(node.availabilityGroupLabel()).append('\n')
                .append("discoveryPort=").append(placement.discoveryPort()).append('\n')
                .append("communicationPort=").append(placement.communicationPort()).append('\n')
                .append("sqlPort=").append(placement.sqlPort()).append('\n')
                .append("workDirectory=").append(placement.workDirectory()).append('\n')
                .append("height=").append(node.isLeaf() ? topology.spec().leaves().height() : topology.spec().aggregators().height()).append('\n')
                .append("backups=").append(topology.spec().redundancyLevel() - 1).append('\n');
        new TreeMap<>(topology.spec().config()).forEach((k, v) -> properties.append(k).append('=').append(v).append('\n'));
        String release = topology.spec().release();
        // like the real engine's, the fingerprint leaves the discovery list out: a scale-out restarts no running node
        String fingerprint = release + "-" + Integer.toHexString(properties.toString().hashCode());
        properties.append("discovery=").append(discovery).append('\n');
        return new NodeLaunch(release, List.of("-Dcanopy.node=" + node.name()),
                Map.of("node.properties", properties.toString()), List.of("--config", "node.properties"), fingerprint);
    }

    @Override
    public EngineView observe(Topology topology) {
        observeCalls++;
        FakeCluster cluster = sync(topology.cluster());
        Set<String> servers = serverNodes(topology.cluster());
        if (servers.isEmpty()) {
            return EngineView.unreachable("no server node answers");
        }
        return new EngineView(true, cluster.active, servers, clientNodes(topology.cluster()), cluster.baseline,
                cluster.active ? partitionsNotOwning : -1, "");
    }

    @Override
    public void activate(Topology topology) {
        calls.add("activate");
        runtime.recordEngineCall("activate");
        FakeCluster cluster = sync(topology.cluster());
        Set<String> servers = serverNodes(topology.cluster());
        if (servers.isEmpty()) {
            throw new IllegalStateException("no server node to activate");
        }
        cluster.active = true;
        cluster.awaitingBaseline = false;
        if (cluster.baseline.isEmpty()) {
            cluster.baseline = new TreeSet<>(servers);
        }
    }

    @Override
    public void setBaseline(Topology topology, Set<String> leaves) {
        String call = "setBaseline " + new TreeSet<>(leaves);
        calls.add(call);
        runtime.recordEngineCall(call);
        if (baselineFailure != null) {
            throw new IllegalStateException(baselineFailure);
        }
        FakeCluster cluster = sync(topology.cluster());
        Set<String> offline = new TreeSet<>(leaves);
        offline.removeAll(serverNodes(topology.cluster()));
        if (!offline.isEmpty()) {
            throw new IllegalStateException("baseline nodes must be online: " + offline);
        }
        cluster.baseline = new TreeSet<>(leaves);
    }

    @Override
    public boolean sqlAnswers(Topology topology, NodeId aggregator) {
        sqlCalls++;
        FakeCluster cluster = sync(topology.cluster());
        return sqlWorks && !sqlHeldBack.contains(aggregator) && cluster.active
                && clientNodes(topology.cluster()).contains(aggregator.name());
    }

    // --- the simulation --------------------------------------------------------------------------------------------

    private FakeCluster sync(String name) {
        FakeCluster cluster = clusters.computeIfAbsent(name, n -> new FakeCluster());
        Set<String> servers = serverNodes(name);
        if (cluster.active && servers.isEmpty()) {
            cluster.active = false;
            cluster.awaitingBaseline = true;
        }
        if (cluster.awaitingBaseline && !cluster.baseline.isEmpty() && servers.containsAll(cluster.baseline)) {
            cluster.active = true;
            cluster.awaitingBaseline = false;
        }
        return cluster;
    }

    private Set<String> serverNodes(String cluster) {
        return joined(cluster, true);
    }

    private Set<String> clientNodes(String cluster) {
        return joined(cluster, false);
    }

    private Set<String> joined(String cluster, boolean leaves) {
        return runtime.snapshot(cluster).stream()
                .filter(n -> n.node().isLeaf() == leaves && n.state() == NodeState.RUNNING && !heldBack.contains(n.node()))
                .map(n -> n.node().name())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    // --- what a test does to the fake ------------------------------------------------------------------------------

    /** The node runs but does not join (yet). */
    void holdBack(NodeId node) {
        heldBack.add(node);
    }

    /** A held-back node joins once it runs. */
    void release(NodeId node) {
        heldBack.remove(node);
    }

    /** Every baseline change fails with this message until called with null. */
    void failBaselineChanges(String message) {
        baselineFailure = message;
    }

    /** The aggregator has joined but its SQL listener does not answer (yet), until {@link #serveSql}. */
    void holdSqlBack(NodeId aggregator) {
        sqlHeldBack.add(aggregator);
    }

    void serveSql(NodeId aggregator) {
        sqlHeldBack.remove(aggregator);
    }

    void sqlWorks(boolean works) {
        sqlWorks = works;
    }

    void partitionsNotOwning(int count) {
        partitionsNotOwning = count;
    }

    // --- what a test reads -----------------------------------------------------------------------------------------

    boolean isActive(String cluster) {
        return sync(cluster).active;
    }

    Set<String> baseline(String cluster) {
        return Set.copyOf(sync(cluster).baseline);
    }

    /** The mutating calls made to this engine, in order: {@code activate}, {@code setBaseline [..]}. */
    List<String> calls() {
        return List.copyOf(calls);
    }

    int observeCalls() {
        return observeCalls;
    }

    int renderCalls() {
        return renderCalls;
    }

    int sqlCalls() {
        return sqlCalls;
    }

    void clearCalls() {
        calls.clear();
    }
}

package dev.canopy.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An in-memory {@link Runtime}: no processes, just node states. It records every call in {@link #calls()} (mutating
 * ones as {@code "start leaf-ag1-0"}, {@code "stop ..."}, {@code "delete ..."}) and also in a {@link #journal()} that a
 * {@link FakeEngine} built on it writes to as well, so a test sees the order of runtime and engine calls together.
 * A test crashes a node with {@link #crash} (its runtime is bringing it back: RESTARTING) and lets it come back with
 * {@link #recover}.
 */
final class FakeRuntime implements Runtime {

    static final String HOST = "127.0.0.1";

    /** One node as this fake keeps it. */
    static final class FakeNode {
        NodeState state;
        NodeLaunch launch;
        int restarts;
        /** Whether clients are routed to it (Kubernetes: its pod Ready); true unless a test says otherwise. */
        boolean routed = true;

        FakeNode(NodeState state, NodeLaunch launch) {
            this.state = state;
            this.launch = launch;
        }
    }

    private final Map<String, Map<NodeId, NodePlacement>> placements = new HashMap<>();
    final Map<String, Map<NodeId, FakeNode>> nodes = new HashMap<>();
    private final List<String> calls = new ArrayList<>();
    private final List<String> journal = new ArrayList<>();
    private final List<Runnable> listeners = new ArrayList<>();
    private int nextPortOffset;
    private int placeCalls;
    private int observeCalls;

    // --- Runtime --------------------------------------------------------------------------------------------------

    @Override
    public Map<NodeId, NodePlacement> place(String cluster, Collection<NodeId> wanted) {
        placeCalls++;
        Map<NodeId, NodePlacement> ofCluster = placements.computeIfAbsent(cluster, c -> new TreeMap<>());
        Map<NodeId, NodePlacement> result = new LinkedHashMap<>();
        for (NodeId node : wanted) {
            result.put(node, ofCluster.computeIfAbsent(node, n -> allocate(cluster, n)));
        }
        return result;
    }

    private NodePlacement allocate(String cluster, NodeId node) {
        int offset = nextPortOffset++;
        return new NodePlacement(node, HOST, 47500 + offset, 47100 + offset, 10800 + offset,
                "/fake/canopy/" + cluster + "/" + node.name());
    }

    @Override
    public List<NodeObservation> observe(String cluster) {
        observeCalls++;
        return snapshot(cluster);
    }

    /** What {@link #observe} answers, without counting as a call. */
    List<NodeObservation> snapshot(String cluster) {
        List<NodeObservation> observed = new ArrayList<>();
        new TreeMap<>(nodes.getOrDefault(cluster, Map.of())).forEach((id, node) -> observed.add(
                new NodeObservation(id, node.state, node.launch == null ? null : node.launch.release(),
                        node.launch == null ? null : node.launch.fingerprint(), node.restarts, null, node.routed)));
        return observed;
    }

    @Override
    public void start(String cluster, NodeId node, NodeLaunch launch) {
        record("start " + node);
        FakeNode fake = nodes.computeIfAbsent(cluster, c -> new TreeMap<>()).get(node);
        if (fake == null) {
            nodes.get(cluster).put(node, new FakeNode(NodeState.RUNNING, launch));
        } else {
            fake.state = NodeState.RUNNING;
            fake.launch = launch;
        }
        changed();
    }

    @Override
    public void replace(String cluster, NodeId node, NodeLaunch launch) {
        record("replace " + node);
        nodes.computeIfAbsent(cluster, c -> new TreeMap<>()).put(node, new FakeNode(NodeState.RUNNING, launch));
        changed();
    }

    @Override
    public void stop(String cluster, NodeId node) {
        record("stop " + node);
        FakeNode fake = nodes.getOrDefault(cluster, Map.of()).get(node);
        if (fake != null) {
            fake.state = NodeState.STOPPED;
        }
        changed();
    }

    @Override
    public void delete(String cluster, NodeId node) {
        record("delete " + node);
        Optional.ofNullable(nodes.get(cluster)).ifPresent(n -> n.remove(node));
        Optional.ofNullable(placements.get(cluster)).ifPresent(p -> p.remove(node));
        changed();
    }

    // --- what a test does to the fake ------------------------------------------------------------------------------

    /** The node's process died; its runtime is bringing it back. */
    void crash(String cluster, NodeId node) {
        FakeNode fake = existing(cluster, node);
        fake.state = NodeState.RESTARTING;
        fake.restarts++;
        changed();
    }

    /** The node died and its storage is gone; its runtime does not bring it back. */
    void loseStorage(String cluster, NodeId node) {
        existing(cluster, node).state = NodeState.STORAGE_LOST;
        changed();
    }

    /** The runtime brought a crashed node back. */
    void recover(String cluster, NodeId node) {
        existing(cluster, node).state = NodeState.RUNNING;
        changed();
    }

    /** Puts a node in a state without a call being recorded, as if it had been there before the test. */
    void put(String cluster, NodeId node, NodeState state) {
        nodes.computeIfAbsent(cluster, c -> new TreeMap<>()).put(node, new FakeNode(state, null));
        changed();
    }

    /** Runs after every change of a node, so that a {@link FakeEngine} notices nodes leaving as a real cluster would. */
    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    private FakeNode existing(String cluster, NodeId node) {
        FakeNode fake = nodes.getOrDefault(cluster, Map.of()).get(node);
        if (fake == null) {
            throw new IllegalStateException(node + " does not exist in " + cluster);
        }
        return fake;
    }

    // --- what a test reads -----------------------------------------------------------------------------------------

    Optional<NodeState> state(String cluster, NodeId node) {
        return Optional.ofNullable(nodes.getOrDefault(cluster, Map.of()).get(node)).map(n -> n.state);
    }

    boolean isRunning(String cluster, NodeId node) {
        return state(cluster, node).filter(s -> s == NodeState.RUNNING).isPresent();
    }

    Optional<NodeLaunch> launch(String cluster, NodeId node) {
        return Optional.ofNullable(nodes.getOrDefault(cluster, Map.of()).get(node)).map(n -> n.launch);
    }

    Optional<NodePlacement> placement(String cluster, NodeId node) {
        return Optional.ofNullable(placements.getOrDefault(cluster, Map.of()).get(node));
    }

    /** The mutating calls made to this runtime, in order. */
    List<String> calls() {
        return List.copyOf(calls);
    }

    /** The mutating calls of this runtime and of the {@link FakeEngine} built on it, in order. */
    List<String> journal() {
        return List.copyOf(journal);
    }

    int placeCalls() {
        return placeCalls;
    }

    int observeCalls() {
        return observeCalls;
    }

    /** Forgets the calls seen so far (not the nodes). */
    void clearCalls() {
        calls.clear();
        journal.clear();
    }

    void record(String call) {
        calls.add(call);
        journal.add(call);
    }

    void recordEngineCall(String call) {
        journal.add(call);
    }
}

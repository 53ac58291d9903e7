package dev.canopy.core;

import java.util.Map;
import java.util.Optional;

/**
 * Everything the planner decides from: the topology (spec and placements), what the runtime sees of each node,
 * what the engine sees from inside, and whether SQL answers through an aggregator.
 */
public record Observed(Topology topology, Map<NodeId, NodeObservation> nodes, EngineView engine, boolean sqlAnswers) {

    public Observed {
        nodes = Map.copyOf(nodes);
    }

    public Optional<NodeObservation> node(NodeId id) {
        return Optional.ofNullable(nodes.get(id));
    }

    /** Running, or being brought back by its runtime. */
    public boolean isUp(NodeId id) {
        return node(id).map(n -> n.state() != NodeState.STOPPED).orElse(false);
    }
}

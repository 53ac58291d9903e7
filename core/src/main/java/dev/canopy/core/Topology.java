package dev.canopy.core;

import dev.canopy.api.DatabaseClusterSpec;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A cluster's spec with the placement of each of its nodes: all an engine needs to render a node's configuration. */
public record Topology(String cluster, DatabaseClusterSpec spec, Map<NodeId, NodePlacement> placements) {

    public Topology {
        placements = Map.copyOf(placements);
    }

    public List<NodePlacement> leaves() {
        return new TreeMap<>(placements).values().stream().filter(p -> p.node().isLeaf()).toList();
    }

    public List<NodePlacement> aggregators() {
        return new TreeMap<>(placements).values().stream().filter(p -> !p.node().isLeaf()).toList();
    }

    public Optional<NodePlacement> placement(NodeId node) {
        return Optional.ofNullable(placements.get(node));
    }

    /** A JDBC URL naming every given aggregator address, so a client fails over between them. */
    public static String jdbcUrl(List<String> sqlAddresses) {
        return "jdbc:ignite:thin://" + String.join(",", sqlAddresses);
    }
}

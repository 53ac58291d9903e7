package dev.canopy.core;

import java.util.Set;

/**
 * The cluster as the engine sees it from the inside. {@code reachable} is false when no node answered; then every
 * other field is empty. {@code partitionsNotOwning} is -1 when unknown (an inactive cluster has no partitions).
 */
public record EngineView(boolean reachable, boolean active, Set<String> serverNodes, Set<String> clientNodes,
                         Set<String> baseline, int partitionsNotOwning, String detail) {

    public EngineView {
        serverNodes = Set.copyOf(serverNodes);
        clientNodes = Set.copyOf(clientNodes);
        baseline = Set.copyOf(baseline);
    }

    public static EngineView unreachable(String why) {
        return new EngineView(false, false, Set.of(), Set.of(), Set.of(), -1, why);
    }

    public boolean joined(NodeId node) {
        return node.isLeaf() ? serverNodes.contains(node.name()) : clientNodes.contains(node.name());
    }
}

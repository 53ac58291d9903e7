package dev.canopy.core;

import java.util.Map;
import java.util.Set;

/**
 * The cluster as the engine sees it from the inside. {@code reachable} is false when no node answered; then every
 * other field is empty. {@code partitionsNotOwning} is -1 when unknown (an inactive cluster has no partitions);
 * {@code movingByLeaf} counts, per leaf, the copies of those that are being filled (the rest are being evicted or lost).
 * {@code lostByTable} counts, per table ({@code SCHEMA.TABLE}, or the cache's name where it has no table), the partitions
 * that have no owning copy in the cluster: their rows cannot be read or written until they are brought back.
 * {@code readOnly}: active but taking no writes (fenced by a replica's promotion or a blue/green switch).
 */
public record EngineView(boolean reachable, boolean active, Set<String> serverNodes, Set<String> clientNodes,
                         Set<String> baseline, int partitionsNotOwning, Map<String, Integer> movingByLeaf,
                         Map<String, Integer> lostByTable, String detail, boolean readOnly) {

    public EngineView {
        serverNodes = Set.copyOf(serverNodes);
        clientNodes = Set.copyOf(clientNodes);
        baseline = Set.copyOf(baseline);
        movingByLeaf = Map.copyOf(movingByLeaf);
        lostByTable = Map.copyOf(lostByTable);
    }

    /** A view of a cluster that takes writes. */
    public EngineView(boolean reachable, boolean active, Set<String> serverNodes, Set<String> clientNodes,
                      Set<String> baseline, int partitionsNotOwning, Map<String, Integer> movingByLeaf,
                      Map<String, Integer> lostByTable, String detail) {
        this(reachable, active, serverNodes, clientNodes, baseline, partitionsNotOwning, movingByLeaf, lostByTable, detail, false);
    }

    /** A view with no partition lost. */
    public EngineView(boolean reachable, boolean active, Set<String> serverNodes, Set<String> clientNodes,
                      Set<String> baseline, int partitionsNotOwning, Map<String, Integer> movingByLeaf, String detail) {
        this(reachable, active, serverNodes, clientNodes, baseline, partitionsNotOwning, movingByLeaf, Map.of(), detail);
    }

    /** A view that does not say where the copies not yet owned are. */
    public EngineView(boolean reachable, boolean active, Set<String> serverNodes, Set<String> clientNodes,
                      Set<String> baseline, int partitionsNotOwning, String detail) {
        this(reachable, active, serverNodes, clientNodes, baseline, partitionsNotOwning, Map.of(), detail);
    }

    public static EngineView unreachable(String why) {
        return new EngineView(false, false, Set.of(), Set.of(), Set.of(), -1, why);
    }

    /** Whether every copy not yet owned is being filled: none lost, none being evicted, none on a leaf not mapped yet. */
    public boolean onlyMoving() {
        return partitionsNotOwning > 0 && movingByLeaf.values().stream().mapToInt(Integer::intValue).sum() == partitionsNotOwning;
    }

    /** The lost partitions, table by table, in one line: "12 partitions of PUBLIC.ORDERS, 3 of PUBLIC.ITEMS". */
    public String lostSummary() {
        StringBuilder text = new StringBuilder();
        new java.util.TreeMap<>(lostByTable).forEach((table, count) -> text.append(text.isEmpty() ? count + " partition"
                + (count == 1 ? "" : "s") + " of " : ", " + count + " of ").append(table));
        return text.toString();
    }

    public boolean joined(NodeId node) {
        return node.isLeaf() ? serverNodes.contains(node.name()) : clientNodes.contains(node.name());
    }
}

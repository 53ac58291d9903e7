package dev.canopy.core;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's identity within its cluster: {@code leaf-ag1-0}, {@code leaf-ag2-3}, {@code aggregator-0}. The name is also
 * the engine's consistent id, so a node that comes back with its storage is recognised as the same node.
 */
public record NodeId(Role role, int availabilityGroup, int ordinal) implements Comparable<NodeId> {
    private static final Pattern LEAF = Pattern.compile("leaf-ag([12])-(\\d+)");
    private static final Pattern AGGREGATOR = Pattern.compile("aggregator-(\\d+)");
    private static final Comparator<NodeId> ORDER = Comparator.comparing(NodeId::role)
            .thenComparingInt(NodeId::availabilityGroup).thenComparingInt(NodeId::ordinal);

    public NodeId {
        if (role == Role.LEAF && (availabilityGroup < 1 || availabilityGroup > 2)) {
            throw new IllegalArgumentException("a leaf belongs to availability group 1 or 2, got " + availabilityGroup);
        }
        if (role == Role.AGGREGATOR && availabilityGroup != 0) {
            throw new IllegalArgumentException("an aggregator belongs to no availability group");
        }
        if (ordinal < 0) {
            throw new IllegalArgumentException("ordinal must not be negative, got " + ordinal);
        }
    }

    public static NodeId leaf(int availabilityGroup, int ordinal) {
        return new NodeId(Role.LEAF, availabilityGroup, ordinal);
    }

    public static NodeId aggregator(int ordinal) {
        return new NodeId(Role.AGGREGATOR, 0, ordinal);
    }

    public static NodeId parse(String name) {
        Matcher leaf = LEAF.matcher(name);
        if (leaf.matches()) {
            return leaf(Integer.parseInt(leaf.group(1)), Integer.parseInt(leaf.group(2)));
        }
        Matcher aggregator = AGGREGATOR.matcher(name);
        if (aggregator.matches()) {
            return aggregator(Integer.parseInt(aggregator.group(1)));
        }
        throw new IllegalArgumentException("not a node name: " + name);
    }

    public boolean isLeaf() {
        return role == Role.LEAF;
    }

    /** The availability group's label, {@code AG1} or {@code AG2}; empty for aggregators. */
    public String availabilityGroupLabel() {
        return isLeaf() ? "AG" + availabilityGroup : "";
    }

    public String name() {
        return isLeaf() ? "leaf-ag" + availabilityGroup + "-" + ordinal : "aggregator-" + ordinal;
    }

    @Override
    public int compareTo(NodeId other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return name();
    }
}

package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodeId;
import dev.canopy.core.Role;

import java.util.List;

/**
 * The nodes one StatefulSet runs: the leaves of one availability group, or the aggregators. A node's ordinal within
 * core is its pod's ordinal within the StatefulSet, so a StatefulSet's replicas always cover a prefix of ordinals.
 */
public record NodeGroup(Role role, int availabilityGroup) {
    public static final NodeGroup LEAVES_AG1 = new NodeGroup(Role.LEAF, 1);
    public static final NodeGroup LEAVES_AG2 = new NodeGroup(Role.LEAF, 2);
    public static final NodeGroup AGGREGATORS = new NodeGroup(Role.AGGREGATOR, 0);
    public static final List<NodeGroup> ALL = List.of(LEAVES_AG1, LEAVES_AG2, AGGREGATORS);

    public static NodeGroup of(NodeId node) {
        return new NodeGroup(node.role(), node.availabilityGroup());
    }

    public boolean isLeaves() {
        return role == Role.LEAF;
    }

    /** {@code leaves-ag1}, {@code leaves-ag2}, {@code aggregators}: the suffix of the StatefulSet's name. */
    public String suffix() {
        return isLeaves() ? "leaves-ag" + availabilityGroup : "aggregators";
    }

    /** The value of the component label: what the pods are, not which group. */
    public String component() {
        return isLeaves() ? "leaf" : "aggregator";
    }

    /** {@code AG1}, {@code AG2}; {@code none} for aggregators, because a label value cannot be empty in a selector. */
    public String availabilityGroupLabel() {
        return isLeaves() ? "AG" + availabilityGroup : "none";
    }

    public NodeId node(int ordinal) {
        return isLeaves() ? NodeId.leaf(availabilityGroup, ordinal) : NodeId.aggregator(ordinal);
    }
}

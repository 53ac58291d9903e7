package dev.canopy.core;

import dev.canopy.api.DatabaseClusterSpec;

import java.util.ArrayList;
import java.util.List;

/** The nodes a spec asks for, in start order: leaves of AG1, leaves of AG2, aggregators. */
public final class DesiredNodes {

    private DesiredNodes() {
    }

    public static List<NodeId> leaves(DatabaseClusterSpec spec) {
        List<NodeId> leaves = new ArrayList<>();
        for (int ag = 1; ag <= 2; ag++) {
            for (int i = 0; i < spec.leaves().count(); i++) {
                leaves.add(NodeId.leaf(ag, i));
            }
        }
        return leaves;
    }

    public static List<NodeId> aggregators(DatabaseClusterSpec spec) {
        List<NodeId> aggregators = new ArrayList<>();
        for (int i = 0; i < spec.aggregators().count(); i++) {
            aggregators.add(NodeId.aggregator(i));
        }
        return aggregators;
    }

    public static List<NodeId> all(DatabaseClusterSpec spec) {
        List<NodeId> all = new ArrayList<>(leaves(spec));
        all.addAll(aggregators(spec));
        return all;
    }
}

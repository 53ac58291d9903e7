package dev.canopy.node;

import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.lang.IgniteBiPredicate;

import java.util.List;
import java.util.Objects;

/**
 * Keeps a partition's copies in different availability groups: a candidate is refused when a node already chosen for
 * the partition carries the same {@code canopy.ag} attribute.
 * <p>
 * Ignite's own {@code ClusterNodeAttributeAffinityBackupFilter} does the same, but its serialized form changed between
 * 2.16 and 2.17: a table created by 2.16 then fails every 2.17 node on start (the persisted filter reads back with a
 * null attribute list). This class has no state, so its serialized form is the same for every engine version, and it
 * ships in every release's launcher jar.
 */
public final class AvailabilityGroupBackupFilter implements IgniteBiPredicate<ClusterNode, List<ClusterNode>> {
    private static final long serialVersionUID = 1L;
    public static final String ATTRIBUTE = "canopy.ag";

    @Override
    public boolean apply(ClusterNode candidate, List<ClusterNode> previouslySelected) {
        Object group = candidate.attribute(ATTRIBUTE);
        for (ClusterNode chosen : previouslySelected) {
            if (Objects.equals(group, chosen.attribute(ATTRIBUTE))) {
                return false;
            }
        }
        return true;
    }
}

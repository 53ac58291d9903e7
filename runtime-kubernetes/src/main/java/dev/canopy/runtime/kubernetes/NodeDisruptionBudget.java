package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/**
 * Limits voluntary disruptions (node drains, cluster upgrades) to one pod at a time per role. For the leaves this is
 * one budget over both availability groups: Kubernetes cannot express "any number, but from one group only", and two
 * budgets of one each would let a drain take a leaf of AG1 and one of AG2 at once, leaving some partitions with no copy.
 */
public final class NodeDisruptionBudget {

    private NodeDisruptionBudget() {
    }

    /** {@code leaves} for both leaf groups, {@code aggregators} for the aggregators. */
    public static PodDisruptionBudget build(OwnedCluster cluster, boolean leaves) {
        String component = leaves ? NodeGroup.LEAVES_AG1.component() : NodeGroup.AGGREGATORS.component();
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName(ObjectNames.disruptionBudget(cluster.deployment(), leaves ? NodeGroup.LEAVES_AG1 : NodeGroup.AGGREGATORS))
                .withNamespace(cluster.namespace())
                .withLabels(Labels.component(cluster.deployment(), component)).withOwnerReferences(cluster.ownerReferences())
                .endMetadata()
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(Labels.component(cluster.deployment(), component)).endSelector()
                .endSpec()
                .build();
    }
}

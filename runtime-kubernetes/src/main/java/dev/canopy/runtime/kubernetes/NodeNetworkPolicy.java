package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;

import java.util.List;
import java.util.Map;

/**
 * Who may reach a deployment's node pods, where the cluster's network enforces NetworkPolicies: the deployment's own
 * pods on every port (discovery, communication, the engine's own traffic); any pod of the namespace on the SQL port
 * (the clients the user runs beside the cluster, another deployment's change capture during a blue/green upgrade, a
 * replica's capture in the same region); the operator's pods, in whichever namespace, on the SQL and health ports.
 * Nothing else: discovery and communication are closed to every other pod, and no pod of another namespace reaches
 * the SQL port except through the cross-region load balancer, which has a policy of its own
 * ({@link #crossRegion}). Kubelet probes come from the node, which NetworkPolicy implementations let through.
 */
public final class NodeNetworkPolicy {
    /** The operator's pods, as the chart labels them. */
    static final Map<String, String> OPERATOR_PODS = Map.of(Labels.NAME, Labels.MANAGER);

    private NodeNetworkPolicy() {
    }

    public static NetworkPolicy build(OwnedCluster cluster) {
        NetworkPolicyIngressRule ownPods = new NetworkPolicyIngressRuleBuilder()
                .withFrom(new NetworkPolicyPeerBuilder().withPodSelector(selector(Labels.cluster(cluster.deployment()))).build())
                .build();
        NetworkPolicyIngressRule namespaceClients = new NetworkPolicyIngressRuleBuilder()
                .withFrom(new NetworkPolicyPeerBuilder().withPodSelector(new LabelSelector()).build())
                .withPorts(port(Ports.SQL))
                .build();
        NetworkPolicyIngressRule operator = new NetworkPolicyIngressRuleBuilder()
                .withFrom(new NetworkPolicyPeerBuilder().withNamespaceSelector(new LabelSelector())
                        .withPodSelector(selector(OPERATOR_PODS)).build())
                .withPorts(port(Ports.SQL), port(Ports.HEALTH))
                .build();
        return policy(cluster, ObjectNames.nodesNetworkPolicy(cluster.deployment()), Labels.cluster(cluster.deployment()),
                List.of(ownPods, namespaceClients, operator));
    }

    /**
     * The SQL port of {@code cluster.deployment()}'s aggregators, from the addresses the spec allows
     * ({@code spec.crossRegion.sourceRanges}; every address when it says {@code anySource}): the other region's, which
     * the load balancer passes on. Made and removed with the load balancer.
     */
    public static NetworkPolicy crossRegion(OwnedCluster cluster) {
        List<String> ranges = CrossRegionEndpoint.sourceRanges(cluster);
        List<String> blocks = ranges.isEmpty() ? List.of("0.0.0.0/0", "::/0") : ranges;
        NetworkPolicyIngressRule anywhere = new NetworkPolicyIngressRuleBuilder()
                .withFrom(blocks.stream().map(cidr -> new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr).endIpBlock()
                        .build()).toList())
                .withPorts(port(Ports.SQL))
                .build();
        return policy(cluster, ObjectNames.crossRegionNetworkPolicy(cluster.name()),
                Labels.group(cluster.deployment(), NodeGroup.AGGREGATORS), List.of(anywhere));
    }

    private static NetworkPolicy policy(OwnedCluster cluster, String name, Map<String, String> pods, List<NetworkPolicyIngressRule> rules) {
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(name).withNamespace(cluster.namespace())
                .withLabels(Labels.component(cluster.name(), "network")).withOwnerReferences(cluster.ownerReferences())
                .endMetadata()
                .withNewSpec()
                .withPodSelector(selector(pods))
                .withPolicyTypes("Ingress")
                .withIngress(rules)
                .endSpec()
                .build();
    }

    private static LabelSelector selector(Map<String, String> labels) {
        return new LabelSelectorBuilder().withMatchLabels(labels).build();
    }

    private static io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort port(int port) {
        return new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(port)).build();
    }
}

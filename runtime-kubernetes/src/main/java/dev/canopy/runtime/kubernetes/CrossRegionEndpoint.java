package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Optional;

/**
 * Where another region reaches a cluster that replicates across regions: a LoadBalancer Service over the aggregators
 * that serve (their thin-client port, which also serves JDBC). A source is reached there by its replica's operator (the
 * copy, the comparison, the fence); a replica by its source's change captures. Made only while the cluster replicates
 * across regions: a load balancer costs money and opens the cluster beyond its Kubernetes cluster.
 */
public final class CrossRegionEndpoint {
    public static final String COMPONENT = "cross-region";

    private final KubernetesClient client;
    private final Applier applier;
    private final OwnedCluster cluster;

    public CrossRegionEndpoint(KubernetesClient client, RuntimeSettings settings, OwnedCluster cluster) {
        this.client = client;
        this.applier = new Applier(client, settings.serverSideApply());
        this.cluster = cluster;
    }

    /** The Service, selecting the aggregators of {@code cluster.deployment()} (a blue/green switch moves it). */
    public static Service build(OwnedCluster cluster) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(ObjectNames.crossRegionService(cluster.name())).withNamespace(cluster.namespace())
                .withLabels(Labels.component(cluster.name(), COMPONENT)).withOwnerReferences(cluster.ownerReferences())
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                // the cloud's load balancer drops the rest; empty only when the spec says any address (anySource)
                .withLoadBalancerSourceRanges(sourceRanges(cluster))
                .withSelector(Labels.group(cluster.deployment(), NodeGroup.AGGREGATORS))
                .withPorts(new ServicePortBuilder().withName("sql").withPort(Ports.SQL)
                        .withTargetPort(new IntOrString(Ports.SQL)).withProtocol("TCP").build())
                .endSpec()
                .build();
    }

    /** The ranges the spec allows, none (every address) when it says anySource. */
    static java.util.List<String> sourceRanges(OwnedCluster cluster) {
        var crossRegion = cluster.spec().crossRegion();
        return crossRegion == null ? java.util.List.of() : crossRegion.sourceRanges();
    }

    /** Whether the spec lets a load balancer be opened: some addresses allowed, or any said explicitly. */
    public static boolean allowed(OwnedCluster cluster) {
        return cluster.spec().crossRegion() != null && cluster.spec().crossRegion().allowsSomeone();
    }

    /** The address a load balancer gave the Service, host:port; empty until one did (or when there is no Service). */
    public static Optional<String> address(Service service) {
        if (service == null || service.getStatus() == null || service.getStatus().getLoadBalancer() == null
                || service.getStatus().getLoadBalancer().getIngress() == null) {
            return Optional.empty();
        }
        return service.getStatus().getLoadBalancer().getIngress().stream()
                .map(CrossRegionEndpoint::host)
                .filter(host -> host != null && !host.isBlank())
                .findFirst()
                .map(host -> host + ":" + Ports.SQL);
    }

    private static String host(LoadBalancerIngress ingress) {
        return ingress.getHostname() != null && !ingress.getHostname().isBlank() ? ingress.getHostname() : ingress.getIp();
    }

    /**
     * Makes (or keeps) the Service over the aggregators of {@code serving}; sent only when it is missing or selects
     * others (each pass would otherwise write it), and its address returned (see {@link #address(Service)}).
     */
    public Optional<String> expose(String serving) {
        OwnedCluster at = cluster.in(serving, cluster.spec());
        Service desired = build(at);
        Service existing = client.services().inNamespace(cluster.namespace())
                .withName(desired.getMetadata().getName()).get();
        if (existing != null && existing.getSpec() != null
                && desired.getSpec().getType().equals(existing.getSpec().getType())
                && desired.getSpec().getSelector().equals(existing.getSpec().getSelector())
                && desired.getSpec().getLoadBalancerSourceRanges().equals(existing.getSpec().getLoadBalancerSourceRanges())) {
            // a Service made by a version before the policy: the policy is made once
            applier.createIfAbsent(NetworkPolicy.class, cluster.namespace(), ObjectNames.crossRegionNetworkPolicy(cluster.name()),
                    () -> NodeNetworkPolicy.crossRegion(at));
            return address(existing);
        }
        // the nodes' own policy shuts the SQL port to other namespaces: the load balancer's traffic needs this one
        applier.apply(NodeNetworkPolicy.crossRegion(at));
        return address(applier.apply(desired));
    }

    /** Removes the Service, if there is one, and the policy that let its traffic in. */
    public void withdraw() {
        client.services().inNamespace(cluster.namespace()).withName(ObjectNames.crossRegionService(cluster.name())).delete();
        client.network().v1().networkPolicies().inNamespace(cluster.namespace())
                .withName(ObjectNames.crossRegionNetworkPolicy(cluster.name())).delete();
    }

    /** See {@link #address(Service)}. */
    public Optional<String> address() {
        return address(client.services().inNamespace(cluster.namespace())
                .withName(ObjectNames.crossRegionService(cluster.name())).get());
    }
}

package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

/**
 * The headless Service of a node group: a stable DNS name per pod, which is each node's address for discovery,
 * communication and admin calls. Not-ready pods are published too: a starting node must find the others (and
 * itself) before it can become ready.
 */
public final class DiscoveryService {

    private DiscoveryService() {
    }

    public static Service build(OwnedCluster cluster, NodeGroup group) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(ObjectNames.discoveryService(cluster.deployment(), group)).withNamespace(cluster.namespace())
                .withLabels(Labels.group(cluster.deployment(), group)).withOwnerReferences(cluster.ownerReferences())
                .endMetadata()
                .withNewSpec()
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true)
                .withSelector(Labels.group(cluster.deployment(), group))
                .withPorts(
                        new ServicePortBuilder().withName("discovery").withPort(Ports.DISCOVERY).withProtocol("TCP").build(),
                        new ServicePortBuilder().withName("communication").withPort(Ports.COMMUNICATION).withProtocol("TCP").build(),
                        new ServicePortBuilder().withName("sql").withPort(Ports.SQL).withProtocol("TCP").build())
                .endSpec()
                .build();
    }
}

package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

/** The cluster's SQL endpoint: one address balancing over the aggregators that are ready. */
public final class SqlService {
    public static final String COMPONENT = "sql";

    private SqlService() {
    }

    /** The Service's address inside the Kubernetes cluster, host:port: the same whichever deployment serves. */
    public static String address(OwnedCluster cluster) {
        return ObjectNames.sqlService(cluster.name()) + "." + cluster.namespace() + ".svc:" + Ports.SQL;
    }

    /** The Service of the cluster, selecting the aggregators of the deployment that serves ({@code cluster.deployment()}). */
    public static Service build(OwnedCluster cluster) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(ObjectNames.sqlService(cluster.name())).withNamespace(cluster.namespace())
                .withLabels(Labels.component(cluster.name(), COMPONENT)).withOwnerReferences(cluster.ownerReferences())
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(Labels.group(cluster.deployment(), NodeGroup.AGGREGATORS))
                .withPorts(new ServicePortBuilder().withName("sql").withPort(Ports.SQL)
                        .withTargetPort(new IntOrString(Ports.SQL)).withProtocol("TCP").build())
                .endSpec()
                .build();
    }
}

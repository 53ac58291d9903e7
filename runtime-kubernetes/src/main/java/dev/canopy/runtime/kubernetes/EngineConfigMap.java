package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodeId;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

import java.util.Map;

/**
 * A node's engine configuration, as rendered when it was last started, under the key {@link ObjectNames#configKey}.
 * One ConfigMap per node: every file names every leaf's address, so one ConfigMap for the cluster grows with the
 * square of its size and passes the 1 MiB limit at about 30 leaves per group (4 MB at the largest spec). The node
 * reads its file once, at start.
 */
public final class EngineConfigMap {
    public static final String COMPONENT = "config";

    private EngineConfigMap() {
    }

    public static ConfigMap build(OwnedCluster cluster, NodeId node, String content) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(ObjectNames.configMap(cluster.deployment(), node)).withNamespace(cluster.namespace())
                .withLabels(Labels.group(cluster.deployment(), NodeGroup.of(node))).withOwnerReferences(cluster.ownerReferences())
                .endMetadata()
                .withData(Map.of(ObjectNames.configKey(cluster.deployment(), node), content))
                .build();
    }
}

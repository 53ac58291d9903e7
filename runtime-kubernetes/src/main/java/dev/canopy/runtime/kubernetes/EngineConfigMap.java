package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

import java.util.Map;
import java.util.TreeMap;

/**
 * The engine configuration of every node, as rendered when the node was last started: one key per pod
 * ({@link ObjectNames#configKey}). A node reads its file once, at start, so rewriting another node's entry changes
 * nothing for running nodes.
 */
public final class EngineConfigMap {
    public static final String COMPONENT = "config";

    private EngineConfigMap() {
    }

    public static ConfigMap build(OwnedCluster cluster, Map<String, String> files) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(ObjectNames.configMap(cluster.name())).withNamespace(cluster.namespace())
                .withLabels(Labels.component(cluster.name(), COMPONENT)).withOwnerReferences(cluster.ownerReferences())
                .endMetadata()
                .withData(new TreeMap<>(files))
                .build();
    }
}

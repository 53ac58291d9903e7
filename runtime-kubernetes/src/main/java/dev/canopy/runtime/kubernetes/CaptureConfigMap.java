package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodeId;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

import java.util.Map;
import java.util.Optional;

/**
 * The configuration of the change capture beside one leaf, under {@link ObjectNames#captureKey}: while it exists, the
 * leaf's {@link CaptureSidecar} runs the capture from it. Its annotations say which leaf and which launch.
 */
public final class CaptureConfigMap {
    public static final String COMPONENT = "capture";
    static final String LEAF_ANNOTATION = "canopy.dev/leaf";
    static final String FINGERPRINT_ANNOTATION = "canopy.dev/capture-fingerprint";

    private CaptureConfigMap() {
    }

    public static ConfigMap build(OwnedCluster cluster, NodeId leaf, String content, String fingerprint) {
        Map<String, String> labels = Labels.group(cluster.deployment(), NodeGroup.of(leaf));
        // the group's labels, so that retiring the deployment takes it, but a component of its own, so that listing the
        // captures finds only these
        labels.put(Labels.COMPONENT, COMPONENT);
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(ObjectNames.captureConfigMap(cluster.deployment(), leaf)).withNamespace(cluster.namespace())
                .withLabels(labels).withOwnerReferences(cluster.ownerReferences())
                .withAnnotations(Map.of(LEAF_ANNOTATION, leaf.name(), FINGERPRINT_ANNOTATION, fingerprint))
                .endMetadata()
                .withData(Map.of(ObjectNames.captureKey(cluster.deployment(), leaf), content))
                .build();
    }

    static Optional<NodeId> leaf(ConfigMap map) {
        Map<String, String> annotations = map.getMetadata().getAnnotations();
        return annotations == null || !annotations.containsKey(LEAF_ANNOTATION) ? Optional.empty()
                : Optional.of(NodeId.parse(annotations.get(LEAF_ANNOTATION)));
    }

    static String fingerprint(ConfigMap map) {
        return map.getMetadata().getAnnotations().getOrDefault(FINGERPRINT_ANNOTATION, "");
    }
}

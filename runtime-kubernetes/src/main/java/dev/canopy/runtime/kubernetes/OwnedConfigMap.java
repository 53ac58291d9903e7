package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.HashMap;
import java.util.Map;

/**
 * A ConfigMap the cluster owns and the operator keeps state in (an upgrade's progress, a replica's feed): read once,
 * written key by key, and deleted with the cluster. Made for one pass.
 */
final class OwnedConfigMap {
    private final KubernetesClient client;
    private final Applier applier;
    private final OwnedCluster cluster;
    private final String name;
    private final String component;
    private Map<String, String> data;
    private boolean exists;

    OwnedConfigMap(KubernetesClient client, Applier applier, OwnedCluster cluster, String name, String component) {
        this.client = client;
        this.applier = applier;
        this.cluster = cluster;
        this.name = name;
        this.component = component;
    }

    String name() {
        return name;
    }

    /** Whether the map exists (it may hold no key). */
    boolean exists() {
        data();
        return exists;
    }

    /** The value of the key; null when the map or the key is absent. */
    String get(String key) {
        return data().get(key);
    }

    /** Writes the key's value (null removes the key); nothing is sent when the value is already there. */
    void put(String key, String value) {
        Map<String, String> next = new HashMap<>(data());
        if (value == null) {
            next.remove(key);
        } else {
            next.put(key, value);
        }
        if (next.equals(data())) {
            return;
        }
        applier.apply(new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name).withNamespace(cluster.namespace())
                .withLabels(Labels.component(cluster.name(), component)).withOwnerReferences(cluster.ownerReferences())
                .endMetadata()
                .withData(next)
                .build());
        data = next;
        exists = true;
    }

    private Map<String, String> data() {
        if (data == null) {
            ConfigMap map = client.configMaps().inNamespace(cluster.namespace()).withName(name).get();
            exists = map != null;
            data = map == null || map.getData() == null ? new HashMap<>() : new HashMap<>(map.getData());
        }
        return data;
    }
}

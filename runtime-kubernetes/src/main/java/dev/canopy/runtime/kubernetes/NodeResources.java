package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;

import java.util.Map;

/**
 * A node's CPU and memory from its height: 1 height = 1 vCPU + 4 GiB. Requests equal limits, so nodes get the
 * Guaranteed QoS class and are the last to be evicted under memory pressure; the engine sizes its heap and data region
 * from the same height (engine-ignite's Sizing.kubernetes()).
 */
public final class NodeResources {
    public static final int MEBIBYTES_PER_HEIGHT = 4096;

    private NodeResources() {
    }

    public static Quantity cpu(double height) {
        return new Quantity(Math.round(height * 1000) + "m");
    }

    public static Quantity memory(double height) {
        return new Quantity(Math.round(height * MEBIBYTES_PER_HEIGHT) + "Mi");
    }

    public static ResourceRequirements of(double height) {
        Map<String, Quantity> amounts = Map.of("cpu", cpu(height), "memory", memory(height));
        return new ResourceRequirementsBuilder().withRequests(amounts).withLimits(amounts).build();
    }
}

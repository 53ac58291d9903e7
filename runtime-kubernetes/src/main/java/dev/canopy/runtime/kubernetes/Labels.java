package dev.canopy.runtime.kubernetes;

import java.util.Map;
import java.util.TreeMap;

/** The recommended {@code app.kubernetes.io} labels, plus the availability group, on every object of a cluster. */
public final class Labels {
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String AVAILABILITY_GROUP = "canopy.dev/availability-group";
    public static final String APP = "canopy";
    public static final String MANAGER = "canopy-operator";

    private Labels() {
    }

    /** Labels of every object of the cluster; also the selector of "everything of this cluster". */
    public static Map<String, String> cluster(String cluster) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(NAME, APP);
        labels.put(INSTANCE, cluster);
        labels.put(MANAGED_BY, MANAGER);
        return labels;
    }

    /** Labels of one component that is not a node group: the SQL Service, the config, the credentials. */
    public static Map<String, String> component(String cluster, String component) {
        Map<String, String> labels = cluster(cluster);
        labels.put(COMPONENT, component);
        return labels;
    }

    /** Labels of a node group's objects and pods; also the StatefulSet's selector, so they must never change. */
    public static Map<String, String> group(String cluster, NodeGroup group) {
        Map<String, String> labels = component(cluster, group.component());
        labels.put(AVAILABILITY_GROUP, group.availabilityGroupLabel());
        return labels;
    }
}

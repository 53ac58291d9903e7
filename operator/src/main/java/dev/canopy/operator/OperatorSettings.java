package dev.canopy.operator;

import dev.canopy.runtime.kubernetes.RuntimeSettings;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The operator's configuration, read from its environment (the Helm chart sets it).
 *
 * @param watchNamespaces namespaces whose DatabaseClusters it reconciles; empty for every namespace
 * @param leaderElection  whether replicas elect a leader through a Lease, so that only one reconciles at a time
 * @param leaseName       the Lease's name, in {@code leaseNamespace} (the operator's own namespace)
 * @param httpPort        the port of /metrics, /healthz and /readyz
 * @param runtime         how nodes run
 */
public record OperatorSettings(Set<String> watchNamespaces, boolean leaderElection, String leaseName, String leaseNamespace,
                               int httpPort, RuntimeSettings runtime) {

    public OperatorSettings {
        watchNamespaces = Set.copyOf(watchNamespaces);
    }

    public static OperatorSettings fromEnvironment(Map<String, String> env) {
        RuntimeSettings defaults = RuntimeSettings.defaults();
        Set<String> namespaces = Arrays.stream(env.getOrDefault("CANOPY_WATCH_NAMESPACES", "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
        String nodeLibsImage = env.getOrDefault("CANOPY_NODE_LIBS_IMAGE", "").strip();
        RuntimeSettings runtime = new RuntimeSettings(
                env.getOrDefault("CANOPY_NODE_IMAGE", defaults.nodeImage()),
                nodeLibsImage.isEmpty() ? null : nodeLibsImage,
                env.getOrDefault("CANOPY_NODE_LIBS_PATH", defaults.nodeLibsPath()),
                env.getOrDefault("CANOPY_NODE_OPTION_LIBS", defaults.optionLibs()),
                !"false".equalsIgnoreCase(env.getOrDefault("CANOPY_SERVER_SIDE_APPLY", "true")));
        return new OperatorSettings(namespaces,
                !"false".equalsIgnoreCase(env.getOrDefault("CANOPY_LEADER_ELECTION", "true")),
                env.getOrDefault("CANOPY_LEASE_NAME", "canopy-operator"),
                env.getOrDefault("POD_NAMESPACE", "default"),
                Integer.parseInt(env.getOrDefault("CANOPY_HTTP_PORT", "8080")),
                runtime);
    }
}

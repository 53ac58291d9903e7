package dev.canopy.operator;

import dev.canopy.runtime.kubernetes.RuntimeSettings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
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
 * @param leaseDuration   how long a leader that stopped renewing keeps the Lease; the renew deadline and retry period
 *                        follow from it in Kubernetes' usual proportions (15 s, 10 s, 2 s)
 * @param identity        this replica's name in the Lease and in Events: its pod's name
 * @param exitWhenNoLongerLeader a replica that lost the Lease exits, so that it cannot reconcile alongside the new leader
 * @param httpPort        the port of /metrics, /healthz and /readyz
 * @param httpAddress     the address they listen on: every interface by default, so that the kubelet's probes reach them
 *                        in a pod; {@code ./canopy operator} sets 127.0.0.1
 * @param kubeContext     the kubeconfig context to use; null for its current context (or, in a pod, the service account)
 * @param runtime         how nodes run
 */
public record OperatorSettings(Set<String> watchNamespaces, boolean leaderElection, String leaseName, String leaseNamespace,
                               Duration leaseDuration, String identity, boolean exitWhenNoLongerLeader, int httpPort,
                               InetAddress httpAddress, String kubeContext, RuntimeSettings runtime) {

    /** Every environment variable {@link #fromEnvironment} reads. */
    public static final Set<String> VARIABLES = Set.of("CANOPY_WATCH_NAMESPACES", "CANOPY_LEADER_ELECTION", "CANOPY_LEASE_NAME",
            "CANOPY_LEASE_SECONDS", "CANOPY_HTTP_PORT", "CANOPY_HTTP_ADDRESS", "CANOPY_KUBE_CONTEXT", "CANOPY_NODE_IMAGE",
            "CANOPY_NODE_LIBS_IMAGE", "CANOPY_NODE_LIBS_PATH", "CANOPY_NODE_OPTION_LIBS", "CANOPY_SERVER_SIDE_APPLY", "POD_NAME",
            "POD_NAMESPACE", "HOSTNAME");

    public OperatorSettings {
        watchNamespaces = Set.copyOf(watchNamespaces);
    }

    /** These settings for a replica of another name, with leader election on and the given lease; for tests. */
    public OperatorSettings electing(String replica, Duration lease, boolean exitWhenNotLeader) {
        return new OperatorSettings(watchNamespaces, true, leaseName, leaseNamespace, lease, replica, exitWhenNotLeader,
                httpPort, httpAddress, kubeContext, runtime);
    }

    /**
     * Where snapshots wait on their way to and from S3: the temporary directory (in the chart's pod an emptyDir, which
     * must hold the largest cluster's snapshot).
     */
    public java.nio.file.Path backupScratch() {
        return java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "canopy-backups");
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
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("CANOPY_LEASE_SECONDS", "15"))),
                env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", "canopy-operator")),
                true,
                httpPort(env.getOrDefault("CANOPY_HTTP_PORT", "8080")),
                httpAddress(env.getOrDefault("CANOPY_HTTP_ADDRESS", "0.0.0.0")),
                blankToNull(env.get("CANOPY_KUBE_CONTEXT")),
                runtime);
    }

    private static int httpPort(String value) {
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("CANOPY_HTTP_PORT is not a port (0-65535): '" + value + "'");
    }

    /** An IP address or a host name of this machine (localhost); a name is resolved here, so that a bad one fails at once. */
    private static InetAddress httpAddress(String value) {
        String address = value.strip();
        if (address.isEmpty()) {
            throw new IllegalArgumentException("CANOPY_HTTP_ADDRESS is empty: give an address to listen on, e.g. 127.0.0.1 or 0.0.0.0");
        }
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("CANOPY_HTTP_ADDRESS is not an address to listen on: '" + value
                    + "' (give an IP address, e.g. 127.0.0.1 or 0.0.0.0)", e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}

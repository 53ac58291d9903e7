package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How the kubelet asks a node about itself. Readiness is the engine's own word (engine-ignite's HealthEndpoint: Ignite's
 * REST probe, 200 only once the node has joined and finished starting, a leaf's write-ahead log replayed), not merely
 * an open port: the SQL listener opens before a node has finished starting. The image serves it once its
 * {@code ignite-rest-http} module is on the classpath, which {@code OPTION_LIBS} asks for.
 */
final class NodeProbes {
    static final String REST_MODULE = "ignite-rest-http";
    static final String PATH = "/ignite?cmd=probe";

    private NodeProbes() {
    }

    /** Ready once the engine says the node has started: what the client Service and the disruption budgets need. */
    static Probe readiness() {
        return new ProbeBuilder().withNewHttpGet().withPath(PATH).withPort(new IntOrString(Ports.HEALTH)).endHttpGet()
                .withPeriodSeconds(5).withFailureThreshold(3).build();
    }

    /**
     * Alive while the node's own listener is open: a leaf's discovery port, which it opens from the start of its join; an
     * aggregator's SQL port, since a client node never opens a discovery port (probing it there had the kubelet kill
     * every aggregator about every two minutes). Not the engine's probe: a leaf replaying its write-ahead log after a
     * crash has not started yet, and killing it then would only make it start over. Generous for the same reason.
     * Checked in the kernel's table of listening sockets rather than by connecting: a connection that speaks no
     * protocol made the engine log a warning on every probe, every 10 s on every node (seen on real pods).
     */
    static Probe liveness(NodeGroup group) {
        int port = group.isLeaves() ? Ports.DISCOVERY : Ports.SQL;
        return new ProbeBuilder().withNewExec().withCommand(listening(port)).endExec()
                .withInitialDelaySeconds(60).withPeriodSeconds(10).withFailureThreshold(6).build();
    }

    /** A command that succeeds while a socket listens on the port (state 0A in /proc/net/tcp or tcp6), with the image's sh and grep. */
    static List<String> listening(int port) {
        String hex = String.format("%04X", port);
        return List.of("sh", "-c", "grep -qi ':" + hex + " [0-9a-f]*:0000 0A' /proc/net/tcp /proc/net/tcp6");
    }

    /** The image's optional modules: the operator's choice, plus the one the readiness probe needs. */
    static String optionLibs(String configured) {
        Set<String> modules = new LinkedHashSet<>();
        for (String module : configured.split(",")) {
            if (!module.isBlank()) {
                modules.add(module.strip());
            }
        }
        modules.add(REST_MODULE);
        return String.join(",", modules);
    }
}

package dev.canopy.operator;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real kube-apiserver (and etcd) run by fabric8's kube-api-test, from binaries already in {@code $KUBE_API_TEST_DIR}
 * (its layout: {@code k8s/<version>-linux-amd64/{kube-apiserver,etcd,kubectl}}); never downloaded. Where they are absent
 * (CI), the calling test is skipped, saying so in the log. The server authorizes with RBAC, as a production one does.
 */
final class RealApiServer {
    private static final Logger LOG = LoggerFactory.getLogger(RealApiServer.class);

    private RealApiServer() {
    }

    /** Starts one, or skips the calling test. */
    static KubeAPIServer startOrSkip(String what) {
        String dir = System.getenv(KubeAPIServerConfigBuilder.KUBE_API_TEST_DIR);
        boolean present = binary(dir, "kube-apiserver").isPresent();
        if (!present) {
            LOG.warn("skipping {} against a real API server: no kube-apiserver binary under $KUBE_API_TEST_DIR ({}); put "
                    + "kube-api-test's binaries there to run them", what, dir == null ? "unset" : dir);
        }
        Assumptions.assumeTrue(present, "no kube-apiserver binary under $KUBE_API_TEST_DIR");
        KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig().withTestDir(dir)
                .withOfflineMode(true).withUpdateKubeConfig(false).build());
        server.start();
        return server;
    }

    /** The kubectl beside the API server's binary. */
    static Path kubectl() {
        return binary(System.getenv(KubeAPIServerConfigBuilder.KUBE_API_TEST_DIR), "kubectl")
                .orElseThrow(() -> new IllegalStateException("no kubectl under $KUBE_API_TEST_DIR"));
    }

    static Optional<Path> binary(String dir, String name) {
        if (dir == null || dir.isBlank() || !Files.isDirectory(Path.of(dir))) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(Path.of(dir), 4)) {
            return files.filter(p -> p.getFileName().toString().equals(name) && Files.isExecutable(p)).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.engine.ignite.AdminSecretFiles;
import dev.canopy.engine.ignite.Credentials;
import dev.canopy.region.local.ClusterStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The platform's login to a local cluster, read from its admin secret in the data directory (readable by the platform's
 * user only: whoever may read it may use it). The cluster is the one whose status, in the local region's store, names
 * the JDBC URL the API gave: ports are the machine's, so no two clusters share one, and the API's name (which leaves
 * out the organization) needs no mapping to the region's.
 */
final class LocalAdminLogin {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalAdminLogin() {
    }

    /** Empty when no local cluster of this data directory serves the URL, or it has no secret (no authentication). */
    static Optional<Credentials> forUrl(Path dataDir, String jdbcUrl) {
        Path clusters = dataDir.resolve("clusters");
        if (!Files.isDirectory(clusters)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(clusters)) {
            for (Path dir : dirs.toList()) {
                Path status = dir.resolve("status.json");
                Path secret = dir.resolve(ClusterStore.ADMIN_SECRET_FILE);
                if (Files.isReadable(status) && Files.isReadable(secret) && jdbcUrl.equals(jdbcUrlOf(status))) {
                    return Optional.of(AdminSecretFiles.read(secret));
                }
            }
        } catch (IOException e) {
            System.err.println("canopy: cannot read the clusters' admin secrets in " + clusters + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    private static String jdbcUrlOf(Path status) {
        try {
            JsonNode endpoints = JSON.readTree(status.toFile()).path("endpoints");
            return endpoints.path("jdbcUrl").asText(null);
        } catch (IOException e) {
            return null;
        }
    }
}

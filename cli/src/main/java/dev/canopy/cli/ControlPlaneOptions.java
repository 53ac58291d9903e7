package dev.canopy.cli;

import dev.canopy.controlplane.ControlPlane;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** Where the control plane listens and keeps its records: the options `up` and `serve` share. */
final class ControlPlaneOptions {
    @Option(names = "--port", defaultValue = "8080", description = "Port of the API (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address the API listens on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--db-url", description = "JDBC URL of the control plane's database, e.g. jdbc:postgresql://db/canopy "
            + "(user and password from $CANOPY_DB_USER and $CANOPY_DB_PASSWORD, or in the URL); default: H2 in the data directory.")
    String dbUrl;

    ControlPlane.Settings settings(Path dataDir) {
        return new ControlPlane.Settings(dataDir, dbUrl, System.getenv("CANOPY_DB_USER"), System.getenv("CANOPY_DB_PASSWORD"), host, port);
    }

    /** Why the API's address cannot be listened on, if it cannot; 0 takes any free port. */
    Optional<String> portTaken() {
        return UpCommand.portTaken(host, port);
    }

    String database(Path dataDir) {
        return dbUrl == null ? "H2 in " + dataDir : dbUrl;
    }
}

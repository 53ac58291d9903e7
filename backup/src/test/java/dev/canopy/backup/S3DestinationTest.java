package dev.canopy.backup;

import dev.canopy.api.S3DestinationSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The S3 destination against s3proxy, an S3-compatible server, running in this JVM. */
class S3DestinationTest extends DestinationContract {
    private S3ProxyServer server;
    private S3Destination destination;

    @Override
    Destination destination() throws Exception {
        server = new S3ProxyServer(work.resolve("blobs"), "backups");
        destination = S3Destination.open(server.spec("backups", "prod/orders"), Optional.of(S3ProxyServer.credentials()));
        return destination;
    }

    @AfterEach
    void stopServer() throws Exception {
        if (destination != null) {
            destination.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void describesItselfByBucketPrefixAndEndpoint() throws Exception {
        destination();
        assertThat(destination.describe()).isEqualTo("s3://backups/prod/orders at " + server.endpoint());
    }

    @Test
    void wrongKeysAreRefusedWithTheServersWord() throws Exception {
        destination();
        try (S3Destination wrong = S3Destination.open(server.spec("backups", null), Optional.of(new S3Credentials("canopy-test", "nope")))) {
            assertThatThrownBy(() -> wrong.putRecord(record("b1", Instant.EPOCH)))
                    .hasMessageStartingWith("could not write the record of backup b1 in s3://backups at " + server.endpoint() + ": ")
                    .hasMessageContaining("403");
        }
    }

    @Test
    void anEndpointThatDoesNotAnswerIsNamedInTheFailure() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        S3DestinationSpec down = new S3DestinationSpec("http://127.0.0.1:" + port, "backups", null, null, null);
        try (S3Destination unreachable = S3Destination.open(down, Optional.of(S3ProxyServer.credentials()))) {
            assertThatThrownBy(() -> unreachable.putRecord(record("b1", Instant.EPOCH)))
                    .hasMessageStartingWith("could not write the record of backup b1 in s3://backups at http://127.0.0.1:" + port + ": ")
                    .hasMessageContaining("Connect");
        }
    }
}

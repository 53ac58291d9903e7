package dev.canopy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A start on a taken port failed half-way: it left a data directory and an admin key nobody was shown. */
class UpOnATakenPortTest {
    @TempDir
    Path parent;

    @Test
    void upOnATakenPortSaysSoAndMakesNothing() throws Exception {
        Path dataDir = parent.resolve("canopy-data");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CliRun.Result result = CliRun.canopy(dataDir, "up", "--port", Integer.toString(taken.getLocalPort()), "--no-demo");
            assertThat(result.code()).isEqualTo(1);
            assertThat(result.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()).contains("--port");
        }
        assertThat(dataDir).as("nothing made").doesNotExist();
    }
}

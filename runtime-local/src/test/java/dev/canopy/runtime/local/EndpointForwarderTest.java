package dev.canopy.runtime.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real sockets on free ports: two line servers that answer with their name, one forwarder in front. */
class EndpointForwarderTest {
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    /** Answers each line with "name:line". */
    private InetSocketAddress lineServer(String name) throws IOException {
        ServerSocket server = new ServerSocket(0);
        closing.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                             PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8)) {
                            String line;
                            while ((line = in.readLine()) != null) {
                                out.println(name + ":" + line);
                            }
                        } catch (IOException ignored) {
                            // the client went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    private static int freePort() throws IOException {
        return freePorts(1)[0];
    }

    /** Distinct free ports: each is held until all are found (two probes in turn may be given the same one). */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> probes = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                probes.add(new ServerSocket(0));
            }
            return probes.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket probe : probes) {
                probe.close();
            }
        }
    }

    @Test
    void forwardsToItsTargetAndARetargetClosesTheOldConnectionsForClientsToReconnect() throws Exception {
        InetSocketAddress blue = lineServer("blue");
        InetSocketAddress green = lineServer("green");
        EndpointForwarder forwarder = new EndpointForwarder("t/aggregator-0", "127.0.0.1", freePort(), () -> blue);
        closing.add(forwarder);

        Socket first = new Socket("127.0.0.1", forwarder.port());
        closing.add(first);
        BufferedReader firstIn = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter firstOut = new PrintWriter(first.getOutputStream(), true, StandardCharsets.UTF_8);
        firstOut.println("hello");
        assertThat(firstIn.readLine()).isEqualTo("blue:hello");

        forwarder.retarget(() -> green);
        assertThat(firstIn.readLine()).as("the connection to blue is closed").isNull();

        try (Socket second = new Socket("127.0.0.1", forwarder.port());
             BufferedReader in = new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(second.getOutputStream(), true, StandardCharsets.UTF_8)) {
            out.println("again");
            assertThat(in.readLine()).isEqualTo("green:again");
        }
    }

    @Test
    void aTargetThatDoesNotAnswerClosesTheClientAndAClosedForwarderListensNoMore() throws Exception {
        int[] ports = freePorts(2);
        int dead = ports[0];
        int port = ports[1];
        EndpointForwarder forwarder = new EndpointForwarder("t/aggregator-0", "127.0.0.1", port,
                () -> new InetSocketAddress("127.0.0.1", dead));
        try (Socket client = new Socket("127.0.0.1", forwarder.port())) {
            assertThat(client.getInputStream().read()).as("closed, no bytes").isEqualTo(-1);
        }
        forwarder.close();
        // its own state, not a connection to the port: CI saw another test of the same run take the freed port at once
        assertThat(forwarder.listening()).isFalse();
    }
}

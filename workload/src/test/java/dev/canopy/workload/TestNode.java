package dev.canopy.workload;

import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.ClientConnectorConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.failure.NoOpFailureHandler;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** One in-memory Ignite server node in the test JVM, on ports of its own, that can be stopped and started again. */
final class TestNode implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    static {
        // no banner, no call home
        System.setProperty("IGNITE_NO_ASCII", "true");
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
    }

    private final Path workDir;
    private final int discoveryPort;
    private final int communicationPort;
    private final int sqlPort;
    private Ignite ignite;

    private TestNode(Path workDir, int[] ports) {
        this.workDir = workDir;
        this.discoveryPort = ports[0];
        this.communicationPort = ports[1];
        this.sqlPort = ports[2];
    }

    static TestNode start(Path workDir) {
        TestNode node = new TestNode(workDir, freePorts(3));
        node.start();
        return node;
    }

    /** Starts (again) on the same ports: a new, empty node, since nothing is persisted. */
    void start() {
        String name = "workload-test-" + INSTANCES.incrementAndGet();
        TcpDiscoveryVmIpFinder ipFinder = new TcpDiscoveryVmIpFinder()
                .setAddresses(List.of("127.0.0.1:" + discoveryPort));
        IgniteConfiguration config = new IgniteConfiguration()
                .setIgniteInstanceName(name)
                .setWorkDirectory(workDir.resolve(name).toString())
                .setLocalHost("127.0.0.1")
                .setPeerClassLoadingEnabled(false)
                .setMetricsLogFrequency(0)
                .setConnectorConfiguration(null)
                // the default handler may halt the JVM on a critical failure: here that JVM runs the tests
                .setFailureHandler(new NoOpFailureHandler())
                .setDiscoverySpi(new TcpDiscoverySpi().setIpFinder(ipFinder)
                        .setLocalPort(discoveryPort).setLocalPortRange(0))
                .setCommunicationSpi(new TcpCommunicationSpi().setLocalPort(communicationPort).setLocalPortRange(0))
                .setClientConnectorConfiguration(new ClientConnectorConfiguration()
                        .setHost("127.0.0.1").setPort(sqlPort).setPortRange(0))
                .setDataStorageConfiguration(new DataStorageConfiguration()
                        .setDefaultDataRegionConfiguration(new DataRegionConfiguration()
                                .setName("default")
                                .setPersistenceEnabled(false)
                                .setInitialSize(64L * 1024 * 1024)
                                .setMaxSize(128L * 1024 * 1024)));
        ignite = Ignition.start(config);
    }

    /** Stops at once, as a crash would look to a client: in-flight work is cancelled, sockets close. */
    void stop() {
        Ignite running = ignite;
        ignite = null;
        if (running != null) {
            Ignition.stop(running.name(), true);
        }
    }

    int sqlPort() {
        return sqlPort;
    }

    String jdbcUrl() {
        return "jdbc:ignite:thin://127.0.0.1:" + sqlPort;
    }

    @Override
    public void close() {
        stop();
    }

    /** Ports nothing listens on right now; all held open together so that they are distinct. */
    static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // the port is free either way
                    }
                }
            }
        }
    }
}

package dev.canopy.node;

import org.apache.ignite.configuration.ClientConnectorConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.failure.NoOpFailureHandler;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;

import java.nio.file.Path;
import java.util.List;

/** In-JVM nodes of this module's tests: on loopback only, with the engine's authentication on. */
final class LoopbackNodes {
    private LoopbackNodes() {
    }

    static IgniteConfiguration authenticated(Path workDir, String name, int discovery, int communication, int joinAt, int clients) {
        return new IgniteConfiguration()
                .setIgniteInstanceName(name)
                .setConsistentId(name)
                .setWorkDirectory(workDir.resolve(name).toString())
                .setLocalHost("127.0.0.1")
                .setMetricsLogFrequency(0)
                .setConnectorConfiguration(null)
                .setAuthenticationEnabled(true)
                // the default handler may halt the JVM on a critical failure: here that JVM runs the tests
                .setFailureHandler(new NoOpFailureHandler())
                .setDiscoverySpi(new TcpDiscoverySpi().setLocalPort(discovery).setLocalPortRange(0)
                        .setIpFinder(new TcpDiscoveryVmIpFinder().setAddresses(List.of("127.0.0.1:" + joinAt))))
                .setCommunicationSpi(new TcpCommunicationSpi().setLocalPort(communication).setLocalPortRange(0))
                .setClientConnectorConfiguration(new ClientConnectorConfiguration()
                        .setHost("127.0.0.1").setPort(clients).setPortRange(0));
    }
}

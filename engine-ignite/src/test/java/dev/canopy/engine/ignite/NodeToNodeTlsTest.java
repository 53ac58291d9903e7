package dev.canopy.engine.ignite;

import dev.canopy.core.NodeId;
import dev.canopy.core.Topology;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.cluster.ClusterState;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.apache.ignite.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real leaf and aggregator, in this JVM, started from the configuration the platform renders for a cluster whose
 * nodes talk to each other over TLS: they form the cluster and serve clients; a node in plain text and a node with
 * another cluster's certificate cannot join it.
 */
class NodeToNodeTlsTest {
    @TempDir
    Path dir;
    private final List<Ignite> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Ignite::close);
    }

    @Test
    void nodesJoinOverTlsAndAStrangerCannot() throws Exception {
        ClientTls tls = ClusterCertificates.keptIn(dir.resolve("tls"), "secure");
        assertThat(tls.nodeCertificate().clientAuth()).as("a node is also a client of the others").isTrue();
        Topology topology = TestTopologies.smallest("secure", dir);
        NodeId leafId = NodeId.leaf(1, 0);
        Ignite leaf = start(topology, leafId, tls);
        leaf.cluster().state(ClusterState.ACTIVE);
        Ignite aggregator = start(topology, NodeId.aggregator(0), tls);
        assertThat(leaf.cluster().nodes()).as("the aggregator joined over TLS").hasSize(2);
        aggregator.getOrCreateCache("over-tls").put(1, "one");
        assertThat(leaf.cache("over-tls").get(1)).as("a write through the aggregator, over communication's TLS").isEqualTo("one");

        String leafDiscovery = topology.placement(leafId).orElseThrow().discoveryAddress();
        assertThatThrownBy(() -> started.add(Ignition.start(stranger("plain", leafDiscovery, null))))
                .as("a node in plain text").hasStackTraceContaining("secure connection");
        ClientTls other = ClusterCertificates.keptIn(dir.resolve("other-tls"), "other");
        assertThatThrownBy(() -> started.add(Ignition.start(stranger("other-authority", leafDiscovery, other))))
                .as("a node with another cluster's certificate").hasStackTraceContaining("No trusted certificate");
        assertThat(leaf.cluster().nodes()).as("nobody else joined").hasSize(2);

        String address = topology.placement(leafId).orElseThrow().sqlAddress();
        try (IgniteClient client = IgniteAdmin.connect(List.of(address), Credentials.NONE.over(Optional.of(tls)))) {
            assertThat(client.cluster().state()).as("clients still served over TLS").isEqualTo(ClusterState.ACTIVE);
        }
    }

    private Ignite start(Topology topology, NodeId node, ClientTls tls) throws Exception {
        Path config = dir.resolve(node.name() + ".xml");
        Files.writeString(config, NodeConfigRenderer.render(topology, node, Sizing.local(), false, false, Optional.of(tls), true));
        Ignite ignite = Ignition.start(config.toUri().toURL());
        started.add(ignite);
        return ignite;
    }

    /** A client node that tries for 5 s to join through the leaf's discovery address. */
    private IgniteConfiguration stranger(String name, String discovery, ClientTls tls) {
        IgniteConfiguration config = new IgniteConfiguration().setIgniteInstanceName(name).setClientMode(true)
                .setWorkDirectory(dir.resolve(name).toString())
                .setDiscoverySpi(new TcpDiscoverySpi().setLocalPort(TestTopologies.freePort()).setLocalPortRange(0).setJoinTimeout(5_000)
                        .setIpFinder(new TcpDiscoveryVmIpFinder().setAddresses(List.of(discovery))))
                .setCommunicationSpi(new TcpCommunicationSpi().setLocalPort(TestTopologies.freePort()).setLocalPortRange(0));
        if (tls != null) {
            SslContextFactory ssl = new SslContextFactory();
            ssl.setKeyStoreFilePath(tls.keyStore().toString());
            ssl.setKeyStorePassword(tls.keyStorePassword().toCharArray());
            ssl.setKeyStoreType(ClientTls.STORE_TYPE);
            ssl.setTrustStoreFilePath(tls.trustStore().toString());
            ssl.setTrustStorePassword(tls.trustStorePassword().toCharArray());
            ssl.setTrustStoreType(ClientTls.STORE_TYPE);
            config.setSslContextFactory(ssl);
        }
        return config;
    }
}

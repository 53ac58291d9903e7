package dev.canopy.engine.ignite;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Topology;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.cluster.ClusterState;
import org.apache.ignite.configuration.ClientConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real leaf, in this JVM, started from the configuration the platform renders for a cluster taking clients over TLS:
 * the URL the platform prints works as given, and so do its own clients (thin client, JDBC with properties); a
 * plain-text client and one trusting another authority are refused.
 */
class ClientTlsNodeTest {
    @TempDir
    Path dir;
    private Ignite leaf;

    @AfterEach
    void stop() {
        if (leaf != null) {
            leaf.close();
        }
    }

    @Test
    void aLeafServesClientsOverTlsOnly() throws Exception {
        ClientTls tls = ClusterCertificates.keptIn(dir.resolve("tls"), "secure");
        Topology topology = TestTopologies.smallest("secure", dir);
        NodeId node = NodeId.leaf(1, 0);
        Path config = dir.resolve("leaf.xml");
        Files.writeString(config, NodeConfigRenderer.render(topology, node, Sizing.local(), false, false, Optional.of(tls)));
        leaf = Ignition.start(config.toUri().toURL());
        leaf.cluster().state(ClusterState.ACTIVE);
        String address = topology.placement(node).orElseThrow().sqlAddress();

        // the handshake is the point (this module has no SQL engine on its class path to run a query with)
        try (Connection sql = DriverManager.getConnection(Topology.jdbcUrl(List.of(address)) + "?" + tls.jdbcUrlParameters())) {
            assertThat(sql.isValid(5)).as("the URL as printed").isTrue();
        }
        Credentials platform = Credentials.NONE.over(Optional.of(tls));
        try (Connection sql = DriverManager.getConnection(Topology.jdbcUrl(List.of(address)), platform.jdbcProperties())) {
            assertThat(sql.isValid(5)).as("the platform's JDBC login, settings as properties").isTrue();
        }
        try (IgniteClient client = IgniteAdmin.connect(List.of(address), platform)) {
            assertThat(client.cluster().state()).as("the platform's thin client").isEqualTo(ClusterState.ACTIVE);
        }

        assertThatThrownBy(() -> DriverManager.getConnection(Topology.jdbcUrl(List.of(address))).close())
                .as("a plain-text JDBC client").isInstanceOf(java.sql.SQLException.class);
        assertThatThrownBy(() -> Ignition.startClient(new ClientConfiguration().setAddresses(address).setTimeout(3_000)).close())
                .as("a plain-text thin client").isInstanceOf(Exception.class);
        ClientTls stranger = ClusterCertificates.keptIn(dir.resolve("other-tls"), "other");
        assertThatThrownBy(() -> DriverManager.getConnection(Topology.jdbcUrl(List.of(address)) + "?" + stranger.jdbcUrlParameters()).close())
                .as("a client trusting another cluster's authority").isInstanceOf(java.sql.SQLException.class);
    }
}

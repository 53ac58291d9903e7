package dev.canopy.node;

import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.client.ClientAuthenticationException;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.cluster.ClusterState;
import org.apache.ignite.configuration.ClientConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.internal.IgniteEx;
import org.apache.ignite.internal.processors.security.GridSecurityProcessor;
import org.apache.ignite.internal.processors.security.IgniteSecurityProcessor;
import org.apache.ignite.internal.processors.security.SecurityContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two real leaves with the engine's authentication and the plugin: the engine takes the plugin's processor, logins are
 * checked as before, and the processor answers for a node the discovery ring knows (the engine's own answers only
 * for users, and otherwise drops a message of a node its discovery cache does not hold yet).
 */
class JoiningNodeSecurityPluginTest {
    @TempDir
    static Path workDir;
    private static Ignite first;
    private static Ignite second;
    private static int clientPort;

    @BeforeAll
    static void startLeaves() throws IOException {
        System.setProperty("IGNITE_NO_ASCII", "true");
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
        int[] ports = FreePorts.take(6);
        clientPort = ports[2];
        first = Ignition.start(leaf("first", ports[0], ports[1], ports[0], ports[2]));
        second = Ignition.start(leaf("second", ports[3], ports[4], ports[0], ports[5]));
        first.cluster().state(ClusterState.ACTIVE);
    }

    @AfterAll
    static void stopLeaves() {
        for (Ignite node : new Ignite[]{second, first}) {
            if (node != null) {
                Ignition.stop(node.name(), true);
            }
        }
    }

    @Test
    void theEngineTakesThePluginsProcessorAndChecksLoginsAsBefore() {
        assertThat(processorOf(first)).isInstanceOf(JoiningNodeAuthenticationProcessor.class);
        try (IgniteClient client = login("ignite", "ignite")) {
            client.getOrCreateCache("orders").put(1, "kept");
            assertThat(client.cache("orders").get(1)).isEqualTo("kept");
        }
        assertThatThrownBy(() -> login("ignite", "wrong").close()).isInstanceOf(ClientAuthenticationException.class);
        assertThatThrownBy(() -> login("nobody", "ignite").close()).isInstanceOf(ClientAuthenticationException.class);
    }

    @Test
    void aNodeTheRingKnowsHasASecurityContextAndAStrangerNone() {
        UUID secondId = second.cluster().localNode().id();
        SecurityContext context = processorOf(first).securityContext(secondId);
        assertThat(context).isNotNull();
        assertThat(context.subject().id()).isEqualTo(secondId);
        assertThat(processorOf(first).securityContext(UUID.randomUUID())).isNull();
    }

    private static GridSecurityProcessor processorOf(Ignite node) {
        return ((IgniteSecurityProcessor) ((IgniteEx) node).context().security()).securityProcessor();
    }

    private static IgniteClient login(String user, String password) {
        return Ignition.startClient(new ClientConfiguration().setAddresses("127.0.0.1:" + clientPort)
                .setUserName(user).setUserPassword(password).setTimeout(20_000));
    }

    private static IgniteConfiguration leaf(String name, int discovery, int communication, int joinAt, int clients) {
        return LoopbackNodes.authenticated(workDir, name, discovery, communication, joinAt, clients)
                .setPluginProviders(new JoiningNodeSecurityPlugin())
                .setDataStorageConfiguration(new DataStorageConfiguration()
                        .setDefaultDataRegionConfiguration(new DataRegionConfiguration().setName("default")
                                .setPersistenceEnabled(true).setMaxSize(128L * 1024 * 1024)));
    }
}

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
    private static int joinPort;

    @BeforeAll
    static void startLeaves() throws IOException {
        System.setProperty("IGNITE_NO_ASCII", "true");
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
        int[] ports = FreePorts.take(6);
        clientPort = ports[2];
        joinPort = ports[0];
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

    @Test
    void anAggregatorAskedForLoginsWhileItStartsFinishesStartingAndTakesThem() throws Exception {
        int[] ports = FreePorts.take(3);
        AtomicBoolean starting = new AtomicBoolean(true);
        AtomicInteger tries = new AtomicInteger();
        // clients reconnecting to an aggregator that restarts: they reach its client port before it has joined
        Thread clients = new Thread(() -> {
            while (starting.get()) {
                tries.incrementAndGet();
                try (IgniteClient ignored = login(ports[2], "ignite", "ignite", 2_000)) {
                    return;
                } catch (RuntimeException notYet) {
                    // refused while the port is closed, or a login the aggregator could not check yet
                }
            }
        }, "reconnecting-clients");
        clients.setDaemon(true);
        clients.start();
        ExecutorService start = Executors.newSingleThreadExecutor();
        try {
            Future<Ignite> aggregator = start.submit(() -> Ignition.start(LoopbackNodes.authenticated(workDir, "aggregator",
                    ports[0], ports[1], joinPort, ports[2]).setClientMode(true).setPluginProviders(new JoiningNodeSecurityPlugin())));
            // the deadlock this waits out (a login check holding the processor's lock while communication is not open
            // yet, the join's notifier blocked on that lock) needs a login in the moment between the discovery cache
            // knowing the leaves and communication opening: seconds on a loaded machine (the chaos test), too short to
            // hit here without the wait (tried: the start finished). This checks that logins wait for the start and
            // are then checked: a processor whose start were never signalled would refuse them after 2 minutes
            Ignite started = aggregator.get(90, TimeUnit.SECONDS);
            assertThat(tries.get()).as("clients knocked while it started").isPositive();
            try (IgniteClient client = login(ports[2], "ignite", "ignite", 20_000)) {
                assertThat(client.cacheNames()).isNotNull();
            }
            assertThatThrownBy(() -> login(ports[2], "ignite", "wrong", 20_000).close())
                    .isInstanceOf(ClientAuthenticationException.class);
        } finally {
            starting.set(false);
            clients.join(30_000);
            // the aggregator only (the leaves are the class's), started or not
            Ignition.stop("aggregator", true);
            start.shutdownNow();
        }
    }

    private static GridSecurityProcessor processorOf(Ignite node) {
        return ((IgniteSecurityProcessor) ((IgniteEx) node).context().security()).securityProcessor();
    }

    private static IgniteClient login(String user, String password) {
        return login(clientPort, user, password, 20_000);
    }

    private static IgniteClient login(int port, String user, String password, int timeoutMs) {
        return Ignition.startClient(new ClientConfiguration().setAddresses("127.0.0.1:" + port)
                .setUserName(user).setUserPassword(password).setTimeout(timeoutMs));
    }

    private static IgniteConfiguration leaf(String name, int discovery, int communication, int joinAt, int clients) {
        return LoopbackNodes.authenticated(workDir, name, discovery, communication, joinAt, clients)
                .setPluginProviders(new JoiningNodeSecurityPlugin())
                .setDataStorageConfiguration(new DataStorageConfiguration()
                        .setDefaultDataRegionConfiguration(new DataRegionConfiguration().setName("default")
                                .setPersistenceEnabled(true).setMaxSize(128L * 1024 * 1024)));
    }
}

package dev.canopy.node;

import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.client.ClientAuthenticationException;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.cluster.ClusterState;
import org.apache.ignite.configuration.ClientConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.internal.GridTopic;
import org.apache.ignite.internal.IgniteEx;
import org.apache.ignite.internal.managers.communication.GridMessageListener;
import org.apache.ignite.internal.processors.authentication.IgniteAuthenticationProcessor;
import org.apache.ignite.internal.processors.authentication.UserAuthenticateRequestMessage;
import org.apache.ignite.internal.processors.security.IgniteSecurityProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real leaf (server node with persistence and authentication) that loses an aggregator's login check, the way a
 * leaf does while it has not yet taken in the aggregator's join: the login through the aggregator (a real client
 * node configured as the platform configures it, with {@link LoginRetryPlugin}, which starts the retry; its
 * real client connector) still succeeds, because the check is asked again after the deadline.
 */
class StalledLoginRetryTest {
    @TempDir
    static Path workDir;
    private static Ignite leaf;
    private static Ignite aggregator;
    private static int aggregatorPort;
    private static final AtomicInteger dropped = new AtomicInteger();
    private static final AtomicInteger dropsLeft = new AtomicInteger();

    @BeforeAll
    static void startLeafAndAggregator() throws Exception {
        System.setProperty("IGNITE_NO_ASCII", "true");
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
        int[] ports = FreePorts.take(6);
        aggregatorPort = ports[4];
        leaf = Ignition.start(LoopbackNodes.authenticated(workDir, "leaf", ports[0], ports[1], ports[0], ports[2])
                .setDataStorageConfiguration(new DataStorageConfiguration()
                        .setDefaultDataRegionConfiguration(new DataRegionConfiguration().setName("default")
                                .setPersistenceEnabled(true).setMaxSize(128L * 1024 * 1024))));
        leaf.cluster().state(ClusterState.ACTIVE);
        // with the plugin, as every node with authentication is configured: it starts the retry on an aggregator (the
        // leaf runs without it: a cluster whose nodes restart one at a time into the plugin's configuration is mixed)
        aggregator = Ignition.start(LoopbackNodes.authenticated(workDir, "aggregator", ports[3], ports[5], ports[0], aggregatorPort)
                .setClientMode(true).setPluginProviders(new LoginRetryPlugin()));
        loseLoginChecksOnTheLeaf();
    }

    @AfterAll
    static void stopNodes() {
        if (aggregator != null) {
            Ignition.stop(aggregator.name(), true);
        }
        if (leaf != null) {
            Ignition.stop(leaf.name(), true);
        }
    }

    @Test
    void aLoginCheckTheLeafNeverAnswersIsAskedAgainAndTheLoginSucceeds() {
        dropsLeft.set(1);
        try (IgniteClient client = login("ignite", "ignite")) {
            client.getOrCreateCache("orders").put(1, "kept");
            assertThat(client.cache("orders").get(1)).isEqualTo("kept");
        }
        assertThat(dropped).as("login checks the leaf lost").hasValue(1);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .as("the retry the plugin started on the aggregator").contains("canopy-stalled-login-retry");

        // a wrong password is still refused, after the same kind of loss
        dropsLeft.set(1);
        assertThatThrownBy(() -> login("ignite", "wrong").close())
                .isInstanceOf(ClientAuthenticationException.class);
        assertThat(dropped).hasValue(2);
    }

    private static IgniteClient login(String user, String password) {
        // a client timeout well over the deadline: without the retry this login would wait for it and fail
        return Ignition.startClient(new ClientConfiguration().setAddresses("127.0.0.1:" + aggregatorPort)
                .setUserName(user).setUserPassword(password).setTimeout(20_000));
    }

    /** Replaces the leaf's listener of login checks with one that drops the next {@code dropsLeft} of them. */
    private static void loseLoginChecksOnTheLeaf() throws ReflectiveOperationException {
        IgniteEx leafEx = (IgniteEx) leaf;
        Object processor = ((IgniteSecurityProcessor) leafEx.context().security()).securityProcessor();
        Field field = IgniteAuthenticationProcessor.class.getDeclaredField("ioLsnr");
        field.setAccessible(true);
        GridMessageListener engines = (GridMessageListener) field.get(processor);
        leafEx.context().io().removeMessageListener(GridTopic.TOPIC_AUTH, engines);
        leafEx.context().io().addMessageListener(GridTopic.TOPIC_AUTH, (nodeId, msg, plc) -> {
            if (msg instanceof UserAuthenticateRequestMessage && dropsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                dropped.incrementAndGet();
                return;
            }
            engines.onMessage(nodeId, msg, plc);
        });
    }
}

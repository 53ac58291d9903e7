package dev.canopy.engine.ignite;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodeLaunch;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Topology;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real Ignite nodes, in this JVM, started from the configuration the Kubernetes engine renders (as the official image
 * would start them): the probe the kubelet is pointed at answers 200 on a started leaf and a started aggregator.
 */
class HealthEndpointTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Ignite> started = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stopNodes() {
        // the aggregator first, so that the leaf does not wait for it
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    @Test
    void theProbeAnswersOnceALeafAndAnAggregatorHaveStarted() throws Exception {
        Topology topology = TestTopologies.smallest("probe", dir);
        IgniteEngine engine = IgniteEngine.kubernetes();
        NodeId leaf = NodeId.leaf(1, 0);
        NodeId aggregator = NodeId.aggregator(0);

        int leafPort = TestTopologies.freePort();
        assertThatThrownBy(() -> probe(leafPort)).as("nothing answers before the node starts")
                .isInstanceOf(ConnectException.class);
        start(engine.render(topology, leaf), leafPort, "leaf");
        assertThat(probe(leafPort)).isEqualTo(new Answer(200, true));

        NodeLaunch aggregatorLaunch = engine.render(topology, aggregator);
        assertThat(aggregatorLaunch.jvmOptions()).as("a client node serves no REST unless told to")
                .contains("-DIGNITE_REST_START_ON_CLIENT=true");
        int aggregatorPort = TestTopologies.freePort();
        start(aggregatorLaunch, aggregatorPort, "aggregator");
        assertThat(probe(aggregatorPort)).isEqualTo(new Answer(200, true));
    }

    /**
     * The kubelet probes with no login: Ignite skips authentication for its REST {@code probe} (and {@code version})
     * commands only, so the probe answers on a node running with authentication while other commands are refused.
     */
    @Test
    void theProbeAnswersWithoutALoginOnANodeRunningWithAuthentication() throws Exception {
        Topology topology = TestTopologies.smallest("guarded", dir);
        IgniteEngine engine = IgniteEngine.kubernetes(new AdminSecretFiles(d -> dir.resolve("secrets").resolve(d),
                d -> dir.resolve("markers").resolve(d)));
        NodeLaunch launch = engine.render(topology, NodeId.leaf(1, 0));
        assertThat(launch.files().get(IgniteEngine.CONFIG_FILE)).contains("<property name=\"authenticationEnabled\" value=\"true\"/>");

        int port = TestTopologies.freePort();
        start(launch, port, "leaf");
        assertThat(probe(port)).isEqualTo(new Answer(200, true));
        HttpResponse<String> other = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ignite?cmd=top"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        // status 2 is Ignite's REST "authentication failed"
        assertThat(other.body()).as("a command that needs a login is refused without one").contains("\"successStatus\":2");
    }

    @Test
    void localNodesServeNoEndpoint() {
        NodeLaunch launch = IgniteEngine.local().render(TestTopologies.smallest("probe", dir), NodeId.aggregator(0));
        assertThat(launch.files().get(IgniteEngine.CONFIG_FILE)).contains("<property name=\"connectorConfiguration\"><null/></property>");
        assertThat(launch.jvmOptions()).doesNotContain("-DIGNITE_REST_START_ON_CLIENT=true");
    }

    private record Answer(int status, boolean started) {
    }

    private Answer probe(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + HealthEndpoint.PATH))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().contains("grid has started"));
    }

    /** Starts a node as its launch says, with the system properties of its JVM options and its REST on a port of its own. */
    private void start(NodeLaunch launch, int jettyPort, String name) throws IOException {
        for (String option : launch.jvmOptions()) {
            if (option.startsWith("-DIGNITE_REST")) {
                String[] pair = option.substring(2).split("=", 2);
                System.setProperty(pair[0], pair[1]);
            }
        }
        // a pod has 8080 to itself; here every node shares one host
        System.setProperty("IGNITE_JETTY_PORT", Integer.toString(jettyPort));
        Path config = dir.resolve(name + ".xml");
        Files.writeString(config, launch.files().get(IgniteEngine.CONFIG_FILE));
        started.add(Ignition.start(config.toUri().toURL()));
    }
}

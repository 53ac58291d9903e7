package dev.canopy.engine.ignite;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodeLaunch;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Topology;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NodeConfigRendererTest {

    private static Topology topology(int redundancy, Map<String, String> config, double leafHeight) {
        DatabaseClusterSpec spec = new DatabaseClusterSpec("2.17.0", redundancy, new AggregatorsSpec(1, 0.5),
                new LeavesSpec(2, leafHeight, 10, null), config, false);
        Map<NodeId, NodePlacement> placements = new HashMap<>();
        int port = 20_000;
        for (NodeId node : DesiredNodes.all(spec)) {
            placements.put(node, new NodePlacement(node, "127.0.0.1", port++, port++, port++, "/data/" + node.name()));
        }
        return new Topology("orders", spec, placements);
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** The value of the first {@code <property name=...>} with that name, or null. */
    private static String property(Document doc, String name) {
        NodeList properties = doc.getElementsByTagName("property");
        for (int i = 0; i < properties.getLength(); i++) {
            Element p = (Element) properties.item(i);
            if (p.getAttribute("name").equals(name) && p.hasAttribute("value")) {
                return p.getAttribute("value");
            }
        }
        return null;
    }

    private static List<String> values(Document doc) {
        List<String> values = new ArrayList<>();
        NodeList list = doc.getElementsByTagName("value");
        for (int i = 0; i < list.getLength(); i++) {
            values.add(list.item(i).getTextContent());
        }
        return values;
    }

    @Test
    void leafIsAPersistentServerNodeWithItsAvailabilityGroupAndOwnPorts() throws Exception {
        Topology topology = topology(2, Map.of(), 1);
        NodeId leaf = NodeId.leaf(2, 1);
        NodePlacement self = topology.placement(leaf).orElseThrow();
        Document doc = parse(NodeConfigRenderer.render(topology, leaf, Sizing.local(), false));

        assertThat(property(doc, "consistentId")).isEqualTo("leaf-ag2-1");
        assertThat(property(doc, "clientMode")).isEqualTo("false");
        assertThat(property(doc, "workDirectory")).isEqualTo("/data/leaf-ag2-1");
        assertThat(property(doc, "persistenceEnabled")).isEqualTo("true");
        assertThat(property(doc, "localPort")).isEqualTo(Integer.toString(self.discoveryPort()));
        assertThat(property(doc, "port")).isEqualTo(Integer.toString(self.sqlPort()));
        assertThat(property(doc, "maxSize")).isEqualTo(Long.toString(256L * 1024 * 1024));
        NodeList entries = doc.getElementsByTagName("entry");
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i < entries.getLength(); i++) {
            Element e = (Element) entries.item(i);
            attributes.put(e.getAttribute("key"), e.getAttribute("value"));
        }
        assertThat(attributes).containsEntry("canopy.ag", "AG2").containsEntry("canopy.cluster", "orders");
        // every leaf is a discovery address; aggregators are not
        assertThat(values(doc)).containsAll(topology.leaves().stream().map(NodePlacement::discoveryAddress).toList());
        assertThat(values(doc)).doesNotContain(topology.aggregators().get(0).discoveryAddress());
    }

    /** A leaf of 1 GB used 655 MB of it for Ignite's preallocated log: the log is sized to the storage. */
    @Test
    void theWriteAheadLogIsSizedToTheLeafsStorage() throws Exception {
        DatabaseClusterSpec small = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5), new LeavesSpec(1, 0.5, 1, null),
                Map.of(), false);
        assertThat(NodeConfigRenderer.walSizing(small)).contains(new NodeConfigRenderer.WalSizing(12L << 20, 256L << 20));
        Map<NodeId, NodePlacement> placements = new HashMap<>();
        int port = 21_000;
        for (NodeId node : DesiredNodes.all(small)) {
            placements.put(node, new NodePlacement(node, "127.0.0.1", port++, port++, port++, "/data/" + node.name()));
        }
        Document doc = parse(NodeConfigRenderer.render(new Topology("tiny", small, placements), NodeId.leaf(1, 0), Sizing.local(), false));
        assertThat(property(doc, "walSegmentSize")).isEqualTo(Long.toString(12L << 20));
        assertThat(property(doc, "maxWalArchiveSize")).isEqualTo(Long.toString(256L << 20));

        // 5 GB and more keep Ignite's own sizes: their nodes render as before, so no leaf restarts for it
        Document large = parse(NodeConfigRenderer.render(topology(2, Map.of(), 1), NodeId.leaf(1, 0), Sizing.local(), false));
        assertThat(property(large, "walSegmentSize")).isNull();
        assertThat(property(large, "maxWalArchiveSize")).isNull();
    }

    @Test
    void aggregatorIsAClientNodeWithoutStorage() throws Exception {
        Topology topology = topology(2, Map.of(), 1);
        Document doc = parse(NodeConfigRenderer.render(topology, NodeId.aggregator(0), Sizing.local(), false));
        assertThat(property(doc, "clientMode")).isEqualTo("true");
        assertThat(property(doc, "persistenceEnabled")).isNull();
        assertThat(doc.getElementsByTagName("entry").getLength()).as("only the cluster attribute").isEqualTo(1);
    }

    @Test
    void templateHasBackupsFromRedundancyAndTheAvailabilityGroupFilter() throws Exception {
        for (int redundancy : new int[]{1, 2}) {
            Document doc = parse(NodeConfigRenderer.render(topology(redundancy, Map.of(), 1), NodeId.leaf(1, 0), Sizing.local(), false));
            assertThat(property(doc, "name")).as("first named property").isNotNull();
            assertThat(property(doc, "backups")).isEqualTo(Integer.toString(redundancy - 1));
            assertThat(property(doc, "writeSynchronizationMode")).isEqualTo("FULL_SYNC");
            NodeList beans = doc.getElementsByTagName("bean");
            List<String> classes = new ArrayList<>();
            for (int i = 0; i < beans.getLength(); i++) {
                classes.add(((Element) beans.item(i)).getAttribute("class"));
            }
            assertThat(classes).contains("dev.canopy.node.AvailabilityGroupBackupFilter");
        }
    }

    @Test
    void engineSettingsReachTheConfiguration() throws Exception {
        Map<String, String> config = Map.of("walMode", "FSYNC", "failureDetectionTimeoutMs", "15000",
                "checkpointFrequencyMs", "60000", "sqlQueryTimeoutMs", "30000");
        Document doc = parse(NodeConfigRenderer.render(topology(2, config, 1), NodeId.leaf(1, 0), Sizing.local(), false));
        assertThat(property(doc, "walMode")).isEqualTo("FSYNC");
        assertThat(property(doc, "failureDetectionTimeout")).isEqualTo("15000");
        assertThat(property(doc, "checkpointFrequency")).isEqualTo("60000");
        assertThat(property(doc, "defaultQueryTimeout")).isEqualTo("30000");
    }

    @Test
    void heightSetsHeapAndRestartRelevantChangesChangeTheFingerprint() {
        IgniteEngine engine = IgniteEngine.local();
        NodeLaunch small = engine.render(topology(2, Map.of(), 0.5), NodeId.leaf(1, 0));
        NodeLaunch large = engine.render(topology(2, Map.of(), 2), NodeId.leaf(1, 0));
        assertThat(small.jvmOptions()).contains("-Xmx256m");
        assertThat(large.jvmOptions()).contains("-Xmx1024m");
        assertThat(small.fingerprint()).isNotEqualTo(large.fingerprint());
        assertThat(engine.render(topology(2, Map.of(), 0.5), NodeId.leaf(1, 0)).fingerprint()).isEqualTo(small.fingerprint());
        assertThat(engine.render(topology(2, Map.of("walMode", "FSYNC"), 0.5), NodeId.leaf(1, 0)).fingerprint())
                .isNotEqualTo(small.fingerprint());
        assertThat(small.files()).containsKey(IgniteEngine.CONFIG_FILE);
        assertThat(small.release()).isEqualTo("2.17.0");
    }

    @Test
    void changeDataCaptureIsOffUnlessTheClusterIsAReplicationSource() throws Exception {
        Document plain = parse(NodeConfigRenderer.render(topology(2, Map.of(), 1), NodeId.leaf(1, 0), Sizing.local(), false));
        assertThat(property(plain, "cdcEnabled")).isNull();
        assertThat(property(plain, "walForceArchiveTimeout")).isNull();
        assertThat(property(plain, "cdcWalDirectoryMaxSize")).isNull();

        Topology source = topology(2, Map.of("cdcWalForceArchiveTimeoutMs", "1000"), 1);
        Document leaf = parse(NodeConfigRenderer.render(source, NodeId.leaf(1, 0), Sizing.local(), false));
        assertThat(property(leaf, "cdcEnabled")).isEqualTo("true");
        assertThat(property(leaf, "walForceArchiveTimeout")).isEqualTo("1000");
        assertThat(property(leaf, "cdcWalDirectoryMaxSize")).as("a quarter of 10 GiB of storage").isEqualTo(Long.toString(10L * (1 << 30) / 4));
        assertThat(property(leaf, "persistenceEnabled")).isEqualTo("true");
        Document aggregator = parse(NodeConfigRenderer.render(source, NodeId.aggregator(0), Sizing.local(), false));
        assertThat(property(aggregator, "cdcEnabled")).as("an aggregator holds no data").isNull();

        IgniteEngine engine = IgniteEngine.local();
        assertThat(engine.render(source, NodeId.leaf(1, 0)).fingerprint()).as("turning capture on restarts the leaves")
                .isNotEqualTo(engine.render(topology(2, Map.of(), 1), NodeId.leaf(1, 0)).fingerprint());
        assertThat(engine.render(source, NodeId.aggregator(0)).fingerprint()).as("but no aggregator")
                .isEqualTo(engine.render(topology(2, Map.of(), 1), NodeId.aggregator(0)).fingerprint());
    }

    @Test
    void theCaptureProcessReadsTheLeafsDirectoryAndFeedsTheTarget() throws Exception {
        Topology source = topology(2, Map.of("cdcWalForceArchiveTimeoutMs", "500"), 1);
        NodeId leaf = NodeId.leaf(2, 0);
        NodeLaunch launch = IgniteEngine.local().renderCapture(source, leaf, List.of("10.0.0.1:10800", "10.0.0.2:10800"));
        assertThat(launch.release()).isEqualTo("2.17.0");
        assertThat(launch.arguments()).containsExactly("--cdc", IgniteEngine.CAPTURE_CONFIG_FILE);
        Document doc = parse(launch.files().get(IgniteEngine.CAPTURE_CONFIG_FILE));
        assertThat(property(doc, "consistentId")).isEqualTo("leaf-ag2-0");
        assertThat(property(doc, "workDirectory")).isEqualTo("/data/leaf-ag2-0");
        assertThat(property(doc, "cdcEnabled")).isEqualTo("true");
        assertThat(property(doc, "keepBinary")).isEqualTo("true");
        NodeList beans = doc.getElementsByTagName("bean");
        Element consumer = null;
        for (int i = 0; i < beans.getLength(); i++) {
            Element bean = (Element) beans.item(i);
            if (bean.getAttribute("class").equals("dev.canopy.node.ThinClientCdcConsumer")) {
                consumer = bean;
            }
        }
        assertThat(consumer).isNotNull();
        assertThat(consumer.getAttribute("factory-method")).isEqualTo("create");
        NodeList args = consumer.getElementsByTagName("constructor-arg");
        assertThat(((Element) args.item(0)).getAttribute("value")).isEqualTo("10.0.0.1:10800,10.0.0.2:10800");
        assertThat(((Element) args.item(1)).getAttribute("value"))
                .isEqualTo(IgniteEngine.captureStateFile(source, leaf).toString()).endsWith("cdc-state.properties");

        assertThat(launch.fingerprint()).isNotEqualTo(IgniteEngine.local().renderCapture(source, leaf, List.of("10.0.0.3:10800")).fingerprint());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IgniteEngine.local().renderCapture(source, NodeId.aggregator(0), List.of("a:1")))
                .hasMessageContaining("not a leaf");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IgniteEngine.local().renderCapture(topology(2, Map.of(), 1), leaf, List.of("a:1")))
                .hasMessageContaining("cdcWalForceArchiveTimeoutMs");
    }

    @Test
    void textIsEscapedForXml() {
        assertThat(NodeConfigRenderer.xmlText("a<b>&\"c\"")).isEqualTo("a&lt;b&gt;&amp;&quot;c&quot;");
    }

    @Test
    void aRenewedCertificateRestartsTheNodesServingTheOldOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Topology topology = topology(2, Map.of(), 1);
        java.util.function.Function<java.time.Clock, IgniteEngine> engineAt = clock -> IgniteEngine.local(new AdminSecretFiles(
                d -> dir.resolve(d + "/admin.secret"), d -> dir.resolve(d + "/authentication"),
                d -> dir.resolve(d + "/tls"), d -> dir.resolve(d + "/tls-only"), clock));
        NodeLaunch first = engineAt.apply(java.time.Clock.systemUTC()).render(topology, NodeId.leaf(1, 0));
        assertThat(property(parse(first.files().get(IgniteEngine.CONFIG_FILE)), "sslEnabled")).isEqualTo("true");
        assertThat(engineAt.apply(java.time.Clock.systemUTC()).render(topology, NodeId.leaf(1, 0)).fingerprint())
                .as("asked again").isEqualTo(first.fingerprint());

        java.time.Instant due = ClusterCertificates.read(dir.resolve("orders/tls")).nodeCertificate().notAfter().minus(java.time.Duration.ofDays(10));
        NodeLaunch renewed = engineAt.apply(java.time.Clock.fixed(due, java.time.ZoneOffset.UTC)).render(topology, NodeId.leaf(1, 0));
        assertThat(renewed.fingerprint()).as("a node serving the old certificate is stale").isNotEqualTo(first.fingerprint());
        assertThat(engineAt.apply(java.time.Clock.systemUTC()).render(topology, NodeId.leaf(1, 0)).fingerprint())
                .as("the renewed one is kept").isEqualTo(renewed.fingerprint());
    }

    @Test
    void aFreshDeploymentWithAuthenticationHandlesJoiningNodesAndOneDecidedBeforeKeepsTheEnginesOwn(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        AdminSecretFiles files = new AdminSecretFiles(d -> dir.resolve(d + "/admin.secret"), d -> dir.resolve(d + "/authentication"));
        assertThat(files.authentication("orders", true)).isTrue();
        assertThat(files.joiningNodeSecurity("orders")).as("decided with authentication").isTrue();
        String xml = IgniteEngine.local(files).render(topology(2, Map.of(), 1), NodeId.leaf(1, 0)).files().get(IgniteEngine.CONFIG_FILE);
        parse(xml);
        assertThat(xml).contains("dev.canopy.node.LoginRetryPlugin", "dev.canopy.node.JoiningNodeSecurityPlugin");

        // authentication decided by a platform from before: the marker alone, and nodes running the engine's processor
        java.nio.file.Path marker = dir.resolve("old/authentication");
        java.nio.file.Files.createDirectories(marker.getParent());
        java.nio.file.Files.writeString(marker, "the engine's authentication is on for this deployment's nodes\n");
        assertThat(files.authentication("old", true)).isTrue();
        assertThat(files.joiningNodeSecurity("old")).as("Ignite refuses a node of another security processor class").isFalse();
        Topology old = new Topology("old", topology(2, Map.of(), 1).spec(), topology(2, Map.of(), 1).placements());
        String oldXml = IgniteEngine.local(files).render(old, NodeId.aggregator(0)).files().get(IgniteEngine.CONFIG_FILE);
        assertThat(oldXml).contains("dev.canopy.node.LoginRetryPlugin").doesNotContain("JoiningNodeSecurityPlugin");

        assertThat(files.authentication("plain", false)).isFalse();
        assertThat(files.joiningNodeSecurity("plain")).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new NodeSecurity(false, true, java.util.Optional.empty(), false))
                .hasMessageContaining("authentication");
    }

    @Test
    void aFreshDeploymentsNodesTalkOverTlsWhenAskedAndOneFromBeforeKeepsPlainText(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        AdminSecretFiles byDefault = new AdminSecretFiles(d -> dir.resolve(d + "/admin.secret"), d -> dir.resolve(d + "/authentication"),
                d -> dir.resolve(d + "/tls"), d -> dir.resolve(d + "/tls-only"));
        assertThat(byDefault.tls("default", true)).isPresent();
        assertThat(byDefault.nodeTls("default", true)).as("off unless asked, for now").isFalse();
        AdminSecretFiles files = new AdminSecretFiles(d -> dir.resolve(d + "/admin.secret"), d -> dir.resolve(d + "/authentication"),
                d -> dir.resolve(d + "/tls"), d -> dir.resolve(d + "/tls-only"), java.time.Clock.systemUTC(), true);
        assertThat(files.tls("fresh", true)).isPresent();
        assertThat(files.nodeTls("fresh", true)).as("decided on a fresh deployment").isTrue();
        assertThat(files.nodeTls("fresh", false)).as("and kept").isTrue();
        Topology topology = topology(2, Map.of(), 1);
        NodeLaunch launch = IgniteEngine.local(files).render(topology, NodeId.leaf(1, 0));
        assertThat(launch.files().get(IgniteEngine.CONFIG_FILE)).as("the node's own TLS, beside the client listener's")
                .containsPattern("(?s)<property name=\"sslContextFactory\">.*<property name=\"discoverySpi\">");
        parse(launch.files().get(IgniteEngine.CONFIG_FILE));

        assertThat(files.tls("running", true)).isPresent();
        assertThat(files.nodeTls("running", false)).as("a deployment running without it keeps without it").isFalse();

        // certificates from before node-to-node TLS, shared with the new deployment of a blue/green upgrade
        java.nio.file.Path stores = dir.resolve("old/tls/stores.properties");
        assertThat(files.tls("old", false)).isEmpty();
        ClusterCertificates.keptIn(dir.resolve("old/tls"), "old");
        java.nio.file.Files.writeString(stores, java.nio.file.Files.readString(stores).replace("nodeClientAuth=true", ""));
        assertThat(files.nodeTls("old", true)).as("a certificate that serves servers only").isFalse();
        assertThat(files.tls("old", true)).as("clients still over TLS").isPresent();
    }
}

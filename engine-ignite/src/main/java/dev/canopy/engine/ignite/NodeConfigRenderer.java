package dev.canopy.engine.ignite;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Topology;

import java.util.List;
import java.util.Map;

/**
 * Renders one node's Spring XML configuration: the single configuration path for both runtimes (Ignite's command-line
 * startup locally, {@code CONFIG_URI} of the official image on Kubernetes). Pure string building.
 */
public final class NodeConfigRenderer {
    /** Also named by the backup filter of the node launcher, which keeps copies of a partition in different groups. */
    public static final String AG_ATTRIBUTE = "canopy.ag";
    public static final String CLUSTER_ATTRIBUTE = "canopy.cluster";
    /** {@code CREATE TABLE ... WITH "template=canopy"} picks the platform's default table layout. */
    public static final String TEMPLATE = "canopy";
    /** Fixed for a table's life; 256 keeps small clusters light and still spreads over dozens of leaves. */
    static final int PARTITIONS = 256;
    /** The engine setting that makes a cluster a replication source, and its WAL force-archive timeout in ms. */
    public static final String CAPTURE_SETTING = "cdcWalForceArchiveTimeoutMs";
    /** How often the CDC process looks for a newly archived segment: small next to the force-archive timeout. */
    static final long CAPTURE_CHECK_MS = 100;

    private NodeConfigRenderer() {
    }

    /** Without authentication: see {@link #render(Topology, NodeId, Sizing, boolean, boolean)}. */
    public static String render(Topology topology, NodeId node, Sizing sizing, boolean healthEndpoint) {
        return render(topology, node, sizing, healthEndpoint, false);
    }

    /**
     * @param healthEndpoint whether the node serves {@link HealthEndpoint}
     * @param authentication whether the engine's authentication is on: thin clients and JDBC log in (leaves keep the
     *                       users in their persistent metastorage; aggregators, client nodes, ask a leaf). Every node of
     *                       a cluster must render the same: Ignite refuses a node whose security differs
     */
    public static String render(Topology topology, NodeId node, Sizing sizing, boolean healthEndpoint, boolean authentication) {
        return render(topology, node, sizing, healthEndpoint, authentication, java.util.Optional.empty());
    }

    /**
     * @param tls how the node serves clients (JDBC, thin clients, the control utility) over TLS; empty: in plain text.
     *            Only the client listener: nodes talk to each other as before, so a cluster's nodes need not agree
     */
    public static String render(Topology topology, NodeId node, Sizing sizing, boolean healthEndpoint, boolean authentication,
                                java.util.Optional<ClientTls> tls) {
        return render(topology, node, sizing, healthEndpoint, authentication, tls, false);
    }

    /**
     * @param nodeTls whether the node also talks to the others over TLS (discovery, communication), with {@code tls}'s
     *                key and authority: every node of a cluster must agree, as a plain-text node cannot join
     */
    public static String render(Topology topology, NodeId node, Sizing sizing, boolean healthEndpoint, boolean authentication,
                                java.util.Optional<ClientTls> tls, boolean nodeTls) {
        return render(topology, node, sizing, healthEndpoint, new NodeSecurity(authentication, false, tls, nodeTls));
    }

    /** @param security every part of how the deployment's nodes are secured */
    public static String render(Topology topology, NodeId node, Sizing sizing, boolean healthEndpoint, NodeSecurity security) {
        boolean authentication = security.authentication();
        java.util.Optional<ClientTls> tls = security.tls();
        boolean nodeTls = security.nodeTls();
        NodePlacement self = topology.placement(node)
                .orElseThrow(() -> new IllegalArgumentException(node + " has no placement in " + topology.cluster()));
        DatabaseClusterSpec spec = topology.spec();
        Map<String, String> config = spec.config();
        StringBuilder xml = new StringBuilder();
        xml.append("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Rendered by Canopy for %s/%s; edits are overwritten. -->
                <beans xmlns="http://www.springframework.org/schema/beans"
                       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd">
                  <bean class="org.apache.ignite.configuration.IgniteConfiguration">
                """.formatted(xmlText(topology.cluster()), node.name()));
        property(xml, "igniteInstanceName", topology.cluster() + "-" + node.name());
        property(xml, "consistentId", node.name());
        property(xml, "workDirectory", self.workDirectory());
        property(xml, "localHost", self.host());
        property(xml, "clientMode", Boolean.toString(!node.isLeaf()));
        property(xml, "peerClassLoadingEnabled", "false");
        property(xml, "metricsLogFrequency", "0");
        if (authentication) {
            property(xml, "authenticationEnabled", "true");
            // an aggregator asks a leaf again when a login check it delegated gets no answer (see StalledLoginRetry)
            xml.append("    <property name=\"pluginProviders\"><list>\n")
                    .append("      <bean class=\"dev.canopy.node.LoginRetryPlugin\"/>\n");
            if (security.joiningNodes()) {
                // a just-joined node's messages handled, not dropped (see JoiningNodeSecurityPlugin)
                xml.append("      <bean class=\"dev.canopy.node.JoiningNodeSecurityPlugin\"/>\n");
            }
            xml.append("    </list></property>\n");
        }
        property(xml, "failureDetectionTimeout", config.getOrDefault("failureDetectionTimeoutMs", "10000"));
        if (nodeTls) {
            // the node's own factory: discovery and communication use it, the client listener keeps its own below
            xml.append("    <property name=\"sslContextFactory\">\n").append(sslContextFactory(tls.get(), 6)).append("    </property>\n");
        }
        xml.append("    <property name=\"userAttributes\"><map>\n");
        xml.append("      <entry key=\"").append(CLUSTER_ATTRIBUTE).append("\" value=\"").append(xmlText(topology.cluster())).append("\"/>\n");
        if (node.isLeaf()) {
            xml.append("      <entry key=\"").append(AG_ATTRIBUTE).append("\" value=\"").append(node.availabilityGroupLabel()).append("\"/>\n");
        }
        xml.append("    </map></property>\n");
        xml.append("""
                    <property name="discoverySpi">
                      <bean class="org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi">
                        <property name="localPort" value="%d"/>
                        <property name="localPortRange" value="0"/>
                        <property name="ipFinder">
                          <bean class="org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder">
                            <property name="addresses"><list>
                """.formatted(self.discoveryPort()));
        for (NodePlacement leaf : topology.leaves()) {
            xml.append("              <value>").append(xmlText(leaf.discoveryAddress())).append("</value>\n");
        }
        xml.append("""
                            </list></property>
                          </bean>
                        </property>
                      </bean>
                    </property>
                    <property name="communicationSpi">
                      <bean class="org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi">
                        <property name="localPort" value="%d"/>
                        <property name="localPortRange" value="0"/>
                      </bean>
                    </property>
                    <property name="clientConnectorConfiguration">
                      <bean class="org.apache.ignite.configuration.ClientConnectorConfiguration">
                        <property name="host" value="%s"/>
                        <property name="port" value="%d"/>
                        <property name="portRange" value="0"/>
                """.formatted(self.communicationPort(), xmlText(self.host()), self.sqlPort()));
        tls.ifPresent(t -> xml.append("""
                            <property name="sslEnabled" value="true"/>
                            <property name="sslClientAuth" value="false"/>
                            <property name="useIgniteSslContextFactory" value="false"/>
                            <property name="sslContextFactory">
                """ + sslContextFactory(t, 14) + "            </property>\n"));
        xml.append("""
                      </bean>
                    </property>
                """);
        xml.append(HealthEndpoint.connectorConfiguration(healthEndpoint, xmlText(self.host())));
        xml.append("""
                    <property name="sqlConfiguration">
                      <bean class="org.apache.ignite.configuration.SqlConfiguration">
                        <property name="defaultQueryTimeout" value="%s"/>
                      </bean>
                    </property>
                """.formatted(config.getOrDefault("sqlQueryTimeoutMs", "0")));
        if (node.isLeaf()) {
            long regionBytes = (long) sizing.dataRegionMb(spec.leaves().height()) * 1024 * 1024;
            // a replication source: every archived WAL segment is kept for the CDC process beside the leaf, and a
            // segment is archived at least this often even when it is not full, which bounds the replication lag
            String captureTimeout = config.get(CAPTURE_SETTING);
            xml.append("""
                        <property name="dataStorageConfiguration">
                          <bean class="org.apache.ignite.configuration.DataStorageConfiguration">
                            <property name="walMode" value="%s"/>
                            <property name="checkpointFrequency" value="%s"/>
                    """.formatted(config.getOrDefault("walMode", "LOG_ONLY"), config.getOrDefault("checkpointFrequencyMs", "180000")));
            walSizing(spec).ifPresent(wal -> xml.append("        <property name=\"walSegmentSize\" value=\"").append(wal.segmentBytes())
                    .append("\"/>\n        <property name=\"maxWalArchiveSize\" value=\"").append(wal.archiveBytes()).append("\"/>\n"));
            if (captureTimeout != null) {
                xml.append("        <property name=\"walForceArchiveTimeout\" value=\"").append(xmlText(captureTimeout)).append("\"/>\n");
                // segments wait for the capture process, without limit by default: when no capture runs (replication
                // turned off, a process down) they would fill the leaf's disk. Past the cap the leaf stops keeping
                // them and the stream has a gap (a replica must then be copied again), but the source stays healthy
                xml.append("        <property name=\"cdcWalDirectoryMaxSize\" value=\"").append(captureCapBytes(spec)).append("\"/>\n");
            }
            xml.append("""
                            <property name="defaultDataRegionConfiguration">
                              <bean class="org.apache.ignite.configuration.DataRegionConfiguration">
                                <property name="name" value="default"/>
                                <property name="persistenceEnabled" value="true"/>
                    """);
            if (captureTimeout != null) {
                xml.append("            <property name=\"cdcEnabled\" value=\"true\"/>\n");
            }
            xml.append("""
                                <property name="initialSize" value="%d"/>
                                <property name="maxSize" value="%d"/>
                              </bean>
                            </property>
                          </bean>
                        </property>
                    """.formatted(Math.min(regionBytes, 64L * 1024 * 1024), regionBytes));
        }
        xml.append(template(spec.redundancyLevel()));
        xml.append("  </bean>\n</beans>\n");
        return xml.toString();
    }

    /** Ignite's factory over the cluster's key store and trust store, each line indented by {@code indent} spaces. */
    private static String sslContextFactory(ClientTls t, int indent) {
        return """
                <bean class="org.apache.ignite.ssl.SslContextFactory">
                  <property name="keyStoreFilePath" value="%s"/>
                  <property name="keyStorePassword" value="%s"/>
                  <property name="keyStoreType" value="%s"/>
                  <property name="trustStoreFilePath" value="%s"/>
                  <property name="trustStorePassword" value="%s"/>
                  <property name="trustStoreType" value="%s"/>
                </bean>
                """.formatted(xmlText(t.keyStore().toString()), xmlText(t.keyStorePassword()), ClientTls.STORE_TYPE,
                xmlText(t.trustStore().toString()), xmlText(t.trustStorePassword()), ClientTls.STORE_TYPE).indent(indent);
    }

    /** A leaf's write-ahead log, sized to its storage: its 10 preallocated segments, and the most its archive keeps. */
    record WalSizing(long segmentBytes, long archiveBytes) {
    }

    private static final long MB = 1024L * 1024;
    private static final long IGNITE_SEGMENT = 64 * MB;
    private static final long IGNITE_ARCHIVE = 1024 * MB;

    /**
     * Ignite preallocates 10 segments of 64 MB and archives up to 1 GB of log, whatever the disk: a leaf of 1 GB used
     * 655 MB of it for its log alone. The 10 segments get an eighth of the storage (1 to 64 MB each) and the archive a
     * quarter; storage of 5 GB and more keeps Ignite's own sizes, and its nodes render as before (no restart).
     */
    static java.util.Optional<WalSizing> walSizing(DatabaseClusterSpec spec) {
        long storage = (long) spec.leaves().storageGB() * 1024 * MB;
        long segment = Math.max(MB, Math.min(IGNITE_SEGMENT, storage / 8 / 10 / MB * MB));
        long archive = Math.max(4 * segment, Math.min(IGNITE_ARCHIVE, storage / 4));
        if (segment == IGNITE_SEGMENT && archive == IGNITE_ARCHIVE) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new WalSizing(segment, archive));
    }

    /** The most a leaf keeps of its log for its capture process: a quarter of its storage. */
    static long captureCapBytes(DatabaseClusterSpec spec) {
        return (long) spec.leaves().storageGB() * 1024 * 1024 * 1024 / 4;
    }

    /** Whether the cluster's leaves capture changes for replication (see {@link #CAPTURE_SETTING}). */
    public static boolean capturesChanges(DatabaseClusterSpec spec) {
        return spec.config().containsKey(CAPTURE_SETTING);
    }

    /**
     * The configuration of the change-data-capture process beside a leaf of a replication source: the leaf's own node
     * configuration (the CDC application reads the leaf's work directory, found by its consistent ID) and a
     * {@code CdcConfiguration} whose consumer applies the leaf's primary changes to the target cluster through the
     * thin client.
     *
     * @param targetAddresses host:port of the target cluster's thin-client listeners (its aggregators or leaves)
     * @param stateFile       where the consumer keeps its progress and lag for the platform to read
     */
    public static String renderCapture(Topology topology, NodeId leaf, Sizing sizing, List<String> targetAddresses, String stateFile) {
        return renderCapture(topology, leaf, sizing, targetAddresses, stateFile, false, java.util.Optional.empty(), java.util.Optional.empty());
    }

    /**
     * @param authentication whether the source's nodes run with authentication (the capture renders the leaf's own
     *                       configuration, which must match the leaf's)
     * @param targetLogin    the file holding the target's login, which the consumer reads (none: no login)
     * @param targetTls      how the target takes clients over TLS (none: plain text)
     */
    public static String renderCapture(Topology topology, NodeId leaf, Sizing sizing, List<String> targetAddresses, String stateFile,
                                       boolean authentication, java.util.Optional<java.nio.file.Path> targetLogin,
                                       java.util.Optional<ClientTls> targetTls) {
        if (!leaf.isLeaf()) {
            throw new IllegalArgumentException(leaf + " is not a leaf: only leaves have changes to capture");
        }
        if (!capturesChanges(topology.spec())) {
            throw new IllegalArgumentException(topology.cluster() + " does not capture changes: spec.config." + CAPTURE_SETTING + " is not set");
        }
        if (targetAddresses.isEmpty()) {
            throw new IllegalArgumentException("no target address to replicate " + topology.cluster() + " to");
        }
        String node = render(topology, leaf, sizing, false, authentication);
        String end = "</beans>\n";
        return node.substring(0, node.length() - end.length()) + """
                  <bean class="org.apache.ignite.cdc.CdcConfiguration">
                    <property name="keepBinary" value="true"/>
                    <property name="checkFrequency" value="%d"/>
                    <property name="lockTimeout" value="10000"/>
                    <property name="consumer">
                      <bean class="dev.canopy.node.ThinClientCdcConsumer" factory-method="create">
                        <constructor-arg value="%s"/>
                        <constructor-arg value="%s"/>
                        <constructor-arg value="%s"/>
                        <constructor-arg value="%s"/>
                        <constructor-arg value="%s"/>
                      </bean>
                    </property>
                  </bean>
                </beans>
                """.formatted(CAPTURE_CHECK_MS, xmlText(String.join(",", targetAddresses)), xmlText(stateFile),
                xmlText(targetLogin.map(java.nio.file.Path::toString).orElse("")),
                xmlText(targetTls.map(t -> t.trustStore().toString()).orElse("")),
                xmlText(targetTls.map(ClientTls::trustStorePassword).orElse("")));
    }

    /**
     * The default table layout: partitioned, backups = redundancyLevel - 1, a backup never in its primary's
     * availability group, writes acknowledged only once every copy has them.
     */
    static String template(int redundancyLevel) {
        return """
                    <property name="cacheConfiguration"><list>
                      <bean class="org.apache.ignite.configuration.CacheConfiguration">
                        <property name="name" value="%s*"/>
                        <property name="cacheMode" value="PARTITIONED"/>
                        <property name="backups" value="%d"/>
                        <property name="writeSynchronizationMode" value="FULL_SYNC"/>
                        <property name="partitionLossPolicy" value="READ_WRITE_SAFE"/>
                        <property name="affinity">
                          <bean class="org.apache.ignite.cache.affinity.rendezvous.RendezvousAffinityFunction">
                            <property name="partitions" value="%d"/>
                            <property name="affinityBackupFilter">
                              <bean class="dev.canopy.node.AvailabilityGroupBackupFilter"/>
                            </property>
                          </bean>
                        </property>
                      </bean>
                    </list></property>
                """.formatted(TEMPLATE, redundancyLevel - 1, PARTITIONS);
    }

    private static void property(StringBuilder xml, String name, String value) {
        xml.append("    <property name=\"").append(name).append("\" value=\"").append(xmlText(value)).append("\"/>\n");
    }

    static String xmlText(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

package dev.canopy.engine.ignite;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.core.Causes;
import dev.canopy.core.ChangeCapture;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.Engine;
import dev.canopy.core.EngineUsers;
import dev.canopy.core.EngineView;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodeLaunch;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.ReplicationTarget;
import dev.canopy.core.Snapshots;
import dev.canopy.core.Switchover;
import dev.canopy.core.Topology;
import org.apache.ignite.Ignition;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.configuration.ClientConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Apache Ignite as Canopy's engine: leaves are persistent server nodes, aggregators are client nodes serving SQL. */
public final class IgniteEngine implements Engine, Snapshots, ChangeCapture, Switchover, EngineUsers {
    private static final Logger LOG = LoggerFactory.getLogger(IgniteEngine.class);
    /** The file a node's configuration is written to, in its work directory. */
    public static final String CONFIG_FILE = "node.xml";
    /** The file the change-data-capture process beside a leaf is configured by. */
    public static final String CAPTURE_CONFIG_FILE = "cdc.xml";
    /** The file, in a leaf's work directory, where its change-data-capture consumer keeps its progress and lag. */
    public static final String CAPTURE_STATE_FILE = "cdc-state.properties";
    /**
     * The cache a replication source's platform writes the time into, every so often, for the consumer to measure the
     * lag by (the node launcher's ThinClientCdcConsumer.HEARTBEAT_CACHE). Its name matches the canopy template.
     */
    public static final String HEARTBEAT_CACHE = "canopy.heartbeat";
    /**
     * One heartbeat key per partition of the heartbeat cache (made by the thin client with Ignite's default 1024
     * partitions, where a small integer key's partition is the key itself): every leaf is primary for some, so every
     * leaf's capture applies a heartbeat on every pass. With one key per pass, only the leaf owning it did, and the
     * lag, the oldest over the leaves, read about ten times the real one (bench, figure group replication).
     */
    static final int HEARTBEAT_KEYS = 1024;
    /** The launcher's argument that starts change data capture instead of a node (NodeLauncher.CDC). */
    static final String CAPTURE_ARGUMENT = "--cdc";
    /** A CDC process holds one WAL segment's records and a thin client: a small heap is plenty. */
    static final int CAPTURE_HEAP_MB = 256;
    /** The folder of a node's work directory where Ignite keeps its persistent storage. */
    static final String IGNITE_STORAGE = "db";

    private final Sizing sizing;
    private final IgniteAdmin admin;
    private final boolean healthEndpoint;
    private final ClusterCredentials credentials;
    /** Deployments whose engine took the platform's login on the last look: the others are taken over first. */
    private final Set<String> loggedIn = ConcurrentHashMap.newKeySet();

    /**
     * @param healthEndpoint whether nodes serve {@link HealthEndpoint} (for probes from outside the node)
     * @param credentials    the platform's login to each cluster; {@link ClusterCredentials#NONE} runs nodes without
     *                       authentication
     */
    public IgniteEngine(Sizing sizing, IgniteAdmin admin, boolean healthEndpoint, ClusterCredentials credentials) {
        this.sizing = sizing;
        this.admin = admin;
        this.healthEndpoint = healthEndpoint;
        this.credentials = credentials;
    }

    /**
     * Local nodes without authentication: for tests and tools whose clients connect with no login. The platform runs
     * {@link #local(ClusterCredentials)}.
     */
    public static IgniteEngine local() {
        return local(ClusterCredentials.NONE);
    }

    /** Local nodes with authentication on, the platform's login to each cluster kept by {@code credentials}. */
    public static IgniteEngine local(ClusterCredentials credentials) {
        return new IgniteEngine(Sizing.local(), new IgniteAdmin(), false, credentials);
    }

    /** Nodes in pods without authentication: for tests and tools whose clients connect with no login. */
    public static IgniteEngine kubernetes() {
        return kubernetes(ClusterCredentials.NONE);
    }

    /**
     * Nodes in pods: sized for a machine of their own, and answering the kubelet's probes (Ignite's REST probe asks
     * for no login), with the platform's login to each cluster kept by {@code credentials} (the operator's: its
     * Secrets, which outlive the operator's process).
     */
    public static IgniteEngine kubernetes(ClusterCredentials credentials) {
        return new IgniteEngine(Sizing.kubernetes(), new IgniteAdmin(), true, credentials);
    }

    /** The platform's login to a deployment's cluster (for its tests and tools: never print its password). */
    public Credentials adminLogin(String deployment) {
        // as the platform connects: over TLS where the deployment's nodes take clients that way
        return credentials.admin(deployment).over(credentials.tls(deployment, false));
    }

    /**
     * How the deployment's nodes take clients: with authentication or not, over TLS or not (each decided once, see
     * {@link ClusterCredentials#authentication}); fresh when no leaf has written its storage yet.
     */
    private NodeSecurity security(Topology topology) {
        boolean fresh = !topology.leaves().isEmpty() && topology.leaves().stream()
                .noneMatch(leaf -> Files.exists(Path.of(leaf.workDirectory()).resolve(IGNITE_STORAGE)));
        Optional<ClientTls> tls = credentials.tls(topology.cluster(), fresh);
        boolean authentication = credentials.authentication(topology.cluster(), fresh);
        return new NodeSecurity(authentication, authentication && credentials.joiningNodeSecurity(topology.cluster()), tls,
                tls.isPresent() && credentials.nodeTls(topology.cluster(), fresh));
    }

    /** The platform's login to the deployment as it runs: none without authentication, over TLS where it serves it. */
    private Credentials adminLoginOf(Topology topology) {
        NodeSecurity security = security(topology);
        return (security.authentication() ? credentials.admin(topology.cluster()) : Credentials.NONE).over(security.tls());
    }

    /** A client URL that works as given: over TLS, trusting the cluster's authority, where its nodes serve TLS. */
    @Override
    public String jdbcUrl(Topology topology, List<String> addresses) {
        return security(topology).tls().map(tls -> Topology.jdbcUrl(addresses) + "?" + tls.jdbcUrlParameters())
                .orElseGet(() -> Topology.jdbcUrl(addresses));
    }

    @Override
    public NodeLaunch render(Topology topology, NodeId node) {
        NodeSecurity security = security(topology);
        String xml = NodeConfigRenderer.render(topology, node, sizing, healthEndpoint, security);
        double height = node.isLeaf() ? topology.spec().leaves().height() : topology.spec().aggregators().height();
        List<String> jvm = new ArrayList<>(JvmOptions.forNode(sizing.heapMb(height)));
        if (healthEndpoint && !node.isLeaf()) {
            jvm.add(HealthEndpoint.START_ON_AGGREGATORS);
        }
        return new NodeLaunch(topology.spec().release(), jvm, Map.of(CONFIG_FILE, xml), List.of(CONFIG_FILE),
                fingerprint(topology, node, jvm, security.tls()));
    }

    /**
     * The launch of the change-data-capture process beside a leaf of a replication source (a cluster whose spec sets
     * {@code config.cdcWalForceArchiveTimeoutMs}): it runs on the source's release, reads the leaf's work directory and
     * applies the leaf's primary changes to the target through the thin client, which may be of another release.
     *
     * @param targetAddresses host:port of the target's thin-client listeners (aggregators or leaves)
     */
    @Override
    public NodeLaunch renderCapture(Topology source, NodeId leaf, List<String> targetAddresses) {
        return renderCapture(source, leaf, targetAddresses, Optional.empty(), Optional.empty());
    }

    /** Logging in to the target with the platform's login to it, read from the file it is kept in. */
    @Override
    public NodeLaunch renderCapture(Topology source, NodeId leaf, ReplicationTarget target) {
        return renderCapture(source, leaf, target.addresses(), credentials.targetLogin(source.cluster(), target.cluster()),
                credentials.tls(target.cluster(), false));
    }

    private NodeLaunch renderCapture(Topology source, NodeId leaf, List<String> targetAddresses, Optional<Path> targetLogin,
                                     Optional<ClientTls> targetTls) {
        String xml = NodeConfigRenderer.renderCapture(source, leaf, sizing, targetAddresses, captureStateFile(source, leaf).toString(),
                security(source).authentication(), targetLogin, targetTls);
        List<String> jvm = JvmOptions.forNode(CAPTURE_HEAP_MB);
        String fingerprint;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((source.spec().release() + "\n" + String.join(" ", jvm)
                    + "\n" + xml).getBytes(StandardCharsets.UTF_8));
            fingerprint = HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        return new NodeLaunch(source.spec().release(), jvm, Map.of(CAPTURE_CONFIG_FILE, xml),
                List.of(CAPTURE_ARGUMENT, CAPTURE_CONFIG_FILE), fingerprint);
    }

    @Override
    public boolean capturesChanges(DatabaseClusterSpec spec) {
        return NodeConfigRenderer.capturesChanges(spec);
    }

    /**
     * Puts the time into {@link #HEARTBEAT_CACHE} on the source (one key per second of the minute, so its changes reach
     * every leaf's capture in turn), through the leaves' thin-client port.
     */
    @Override
    public void heartbeat(Topology source) {
        List<String> addresses = leafSqlAddresses(source);
        try (IgniteClient client = Ignition.startClient(adminLoginOf(source).applyTo(new ClientConfiguration())
                .setAddresses(addresses.toArray(String[]::new)).setTimeout(5_000))) {
            long now = System.currentTimeMillis();
            Map<Integer, Long> beats = new HashMap<>();
            for (int key = 0; key < HEARTBEAT_KEYS; key++) {
                beats.put(key, now);
            }
            client.<Integer, Long>getOrCreateCache(HEARTBEAT_CACHE).putAll(beats);
        } catch (RuntimeException e) {
            LOG.debug("{}: no heartbeat written: {}", source.cluster(), e.getMessage());
        }
    }

    /** From the state file each capture's consumer keeps in its leaf's work directory. */
    @Override
    public Optional<Instant> replicatedUpTo(Topology source) {
        long oldest = Long.MAX_VALUE;
        for (NodePlacement leaf : source.leaves()) {
            if (!DesiredNodes.leaves(source.spec()).contains(leaf.node())) {
                continue;
            }
            Path file = captureStateFile(source, leaf.node());
            long upTo = 0;
            try {
                if (Files.exists(file)) {
                    Properties state = new Properties();
                    state.load(new StringReader(Files.readString(file)));
                    upTo = Long.parseLong(state.getProperty("replicatedUpTo", "0"));
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("{}: capture state of {} not read: {}", source.cluster(), leaf.node(), e.getMessage());
            }
            if (upTo <= 0) {
                return Optional.empty();
            }
            oldest = Math.min(oldest, upTo);
        }
        return oldest == Long.MAX_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest));
    }

    /** From the heartbeats on the target, through its aggregators' thin-client ports. */
    @Override
    public Optional<Instant> replicatedUpTo(Topology source, Topology target) {
        List<String> addresses = target.aggregators().stream().map(NodePlacement::sqlAddress).toList();
        if (addresses.isEmpty()) {
            return Optional.empty();
        }
        try (IgniteClient client = Ignition.startClient(adminLoginOf(target).applyTo(new ClientConfiguration())
                .setAddresses(addresses.toArray(String[]::new)).setTimeout(5_000))) {
            if (!client.cacheNames().contains(HEARTBEAT_CACHE)) {
                return Optional.empty();
            }
            Set<Integer> keys = new HashSet<>();
            for (int key = 0; key < HEARTBEAT_KEYS; key++) {
                keys.add(key);
            }
            Map<Integer, Long> beats = client.<Integer, Long>cache(HEARTBEAT_CACHE).getAll(keys);
            if (beats.size() < HEARTBEAT_KEYS) {
                return Optional.empty();
            }
            return beats.values().stream().min(Long::compare).map(Instant::ofEpochMilli);
        } catch (RuntimeException e) {
            LOG.debug("{}: heartbeats on {} not read: {}", source.cluster(), target.cluster(), e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public String notCapturingReason() {
        return "spec.config." + NodeConfigRenderer.CAPTURE_SETTING + " is not set, so its leaves capture no changes";
    }

    /** Where the consumer beside this leaf keeps its state: in the leaf's work directory. */
    public static Path captureStateFile(Topology source, NodeId leaf) {
        NodePlacement self = source.placement(leaf)
                .orElseThrow(() -> new IllegalArgumentException(leaf + " has no placement in " + source.cluster()));
        return Path.of(self.workDirectory()).resolve(CAPTURE_STATE_FILE);
    }

    /**
     * What needs a restart when it changes: release, JVM options, the node's own addresses, the engine settings and the
     * certificate the node serves clients with (renewed before it ends).
     * The list of discovery addresses is left out on purpose: a scale-out adds to it, and running nodes find the
     * new ones without being restarted.
     */
    static String fingerprint(Topology topology, NodeId node, List<String> jvm, Optional<ClientTls> tls) {
        NodePlacement self = topology.placement(node).orElseThrow();
        TreeMap<String, String> config = new TreeMap<>(topology.spec().config());
        if (!node.isLeaf()) {
            // only leaves capture changes: turning capture on (a blue/green upgrade's first step) restarts no aggregator,
            // which with a single one would be an outage
            config.remove(NodeConfigRenderer.CAPTURE_SETTING);
        }
        String material = String.join("\n", topology.spec().release(), String.join(" ", jvm), self.toString(),
                config.toString(), Integer.toString(topology.spec().redundancyLevel()),
                node.isLeaf() ? String.valueOf(topology.spec().leaves().height()) : String.valueOf(topology.spec().aggregators().height()))
                // nothing added without TLS: a cluster in plain text keeps the fingerprints its nodes were started with
                + tls.map(t -> "\ncertificate " + t.nodeCertificate().serial()).orElse("");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public EngineView observe(Topology topology) {
        EngineView view = admin.observe(leafSqlAddresses(topology), login(topology));
        if (!view.reachable()) {
            // nodes started afresh under this name (a scale from nothing, blue/green's next green) start with the
            // engine's default password: the next look takes them over again
            loggedIn.remove(topology.cluster());
        }
        return view;
    }

    /**
     * The first call of a pass on a deployment: activation, before which the engine's users cannot be changed, is made
     * with whichever login the engine takes; the next look (see {@link #login}) sets the platform's.
     */
    @Override
    public void activate(Topology topology) {
        admin.activate(leafSqlAddresses(topology), login(topology));
    }

    /**
     * The platform's login, after taking the engine's superuser over when it still has the default password (see
     * {@link IgniteAdmin#takeOver}); once taken, the stored login is used without asking again.
     */
    private Credentials login(Topology topology) {
        Credentials platform = adminLoginOf(topology);
        if (!platform.present() || loggedIn.contains(topology.cluster())) {
            return platform;
        }
        Credentials working = admin.takeOver(leafSqlAddresses(topology), platform);
        if (working.equals(platform)) {
            loggedIn.add(topology.cluster());
        }
        return working;
    }

    @Override
    public void createUser(Topology topology, String user, String password) {
        userCommand(user, "create", () -> UserCommands.create(leafSqlAddresses(topology), login(topology), user, password));
    }

    @Override
    public void setPassword(Topology topology, String user, String password) {
        userCommand(user, "change the password of", () -> UserCommands.setPassword(leafSqlAddresses(topology),
                login(topology), user, password));
    }

    @Override
    public void dropUser(Topology topology, String user) {
        try {
            userCommand(user, "remove", () -> UserCommands.drop(leafSqlAddresses(topology), login(topology), user));
        } catch (EngineUserException e) {
            if (e.reason() != EngineUserException.Reason.MISSING) {
                throw e;
            }
        }
    }

    private interface UserCommand {
        void run() throws SQLException;
    }

    /** Runs a user command, its failure told by the engine's message (which names the user, never the password). */
    private static void userCommand(String user, String what, UserCommand command) {
        try {
            command.run();
        } catch (SQLException | RuntimeException e) {
            String reason = Causes.rootMessage(e);
            String lower = reason.toLowerCase(java.util.Locale.ROOT);
            EngineUserException.Reason why = lower.contains("already exists") ? EngineUserException.Reason.EXISTS
                    : lower.contains("doesn't exist") || lower.contains("does not exist") ? EngineUserException.Reason.MISSING
                    : EngineUserException.Reason.OTHER;
            throw new EngineUserException(why, "could not " + what + " user " + user + ": " + reason, null);
        }
    }

    @Override
    public void setBaseline(Topology topology, Set<String> leaves) {
        admin.setBaseline(topology.leaves(), leaves, login(topology));
    }

    @Override
    public void resetLostPartitions(Topology topology) {
        admin.resetLostPartitions(topology.leaves(), login(topology));
    }

    /**
     * With authentication, only once the leaves list the aggregator among the cluster's nodes: an aggregator (a client
     * node) asks a leaf to check each login, and one that is asked while it is still joining deadlocks in Ignite 2.17
     * (the login holds the authentication's lock waiting for the node's communication to start, and the join waits for
     * that lock), never answering SQL again; seen here once in two runs when the platform's first check came early.
     */
    @Override
    public boolean sqlAnswers(Topology topology, NodeId aggregator) {
        Credentials login = login(topology);
        if (login.present() && !admin.clientJoined(leafSqlAddresses(topology), login, aggregator.name())) {
            return false;
        }
        return topology.placement(aggregator).map(p -> admin.sqlAnswers(p.sqlAddress(), login)).orElse(false);
    }

    @Override
    public void create(Topology topology, String name, Path directory) {
        admin.createSnapshot(topology.leaves(), name, directory.toAbsolutePath(), login(topology));
    }

    /**
     * Each leaf's part ends with its metadata file, named after its consistent ID as Ignite names folders
     * ("leaf-ag1-0" -> "leaf_ag1_0.smf").
     */
    @Override
    public List<String> missingParts(Topology topology, String name, Path directory) {
        return topology.leaves().stream().map(leaf -> leaf.node().name())
                .filter(leaf -> !java.nio.file.Files.exists(directory.resolve(name).resolve(leaf.replaceAll("[^A-Za-z0-9_]", "_") + ".smf")))
                .toList();
    }

    @Override
    public void restore(Topology topology, String name, Path directory) {
        admin.restoreSnapshot(topology.leaves(), name, directory.toAbsolutePath(), login(topology));
    }

    @Override
    public Set<String> offlineLeaves(Topology topology) {
        EngineView view = admin.observe(leafSqlAddresses(topology), login(topology));
        if (!view.reachable()) {
            throw new IllegalStateException(view.detail());
        }
        Set<String> offline = new java.util.TreeSet<>(view.baseline());
        offline.removeAll(view.serverNodes());
        return offline;
    }

    @Override
    public Map<String, Long> tableRows(Topology topology) {
        return admin.tableRows(leafSqlAddresses(topology), login(topology));
    }

    /** Through SQL on an aggregator of each: see {@link SchemaCopy}. */
    @Override
    public List<String> copySchema(Topology source, Topology target) {
        return SchemaCopy.copy(source, target, this::adminLoginOf);
    }

    /** Streamed through SQL, a page and a batch at a time: see {@link RowCopy}. */
    @Override
    public Map<String, Long> copyRows(Topology source, Topology target) {
        return RowCopy.copy(source, target, this::adminLoginOf);
    }

    /** A full scan of every table: see {@link TableDigests} for its cost. */
    @Override
    public Map<String, TableDigest> digest(Topology cluster) {
        return TableDigests.digest(cluster, this::adminLoginOf);
    }

    /** The cluster state {@code ACTIVE_READ_ONLY}: see {@link Fencing}. */
    @Override
    public void setReadOnly(Topology topology, boolean readOnly) {
        if (readOnly) {
            fence(topology);
        } else {
            unfence(topology);
        }
    }

    @Override
    public void fence(Topology cluster) {
        Fencing.fence(cluster, this::adminLoginOf);
    }

    @Override
    public void unfence(Topology cluster) {
        Fencing.unfence(cluster, this::adminLoginOf);
    }

    @Override
    public boolean fenced(Topology cluster) {
        return Fencing.fenced(cluster, this::adminLoginOf);
    }

    private static List<String> leafSqlAddresses(Topology topology) {
        return topology.leaves().stream().map(NodePlacement::sqlAddress).toList();
    }
}

package dev.canopy.engine.ignite;

import dev.canopy.core.Causes;
import dev.canopy.core.EngineView;
import dev.canopy.core.NodePlacement;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cache.query.SqlFieldsQuery;
import org.apache.ignite.client.ClientAuthenticationException;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.cluster.ClusterState;
import org.apache.ignite.configuration.ClientConfiguration;
import org.apache.ignite.internal.IgniteVersionUtils;
import org.apache.ignite.internal.commandline.CommandHandler;
import org.apache.ignite.lang.IgniteProductVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Ignite's own management interfaces, from outside the cluster: the thin client (cluster state and topology, SQL
 * system views) and the control utility's command handler (baseline). Every call uses short timeouts so that a
 * reconcile pass never hangs on a node that does not answer.
 */
public class IgniteAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(IgniteAdmin.class);
    static final int TIMEOUT_MS = 5_000;
    /**
     * Starts the platform's own statements that land in an aggregator's query history, so that telemetry tells them apart
     * from the users' (the history keeps each statement's text as sent, comment included).
     */
    public static final String OWN_STATEMENT = "/* canopy */ ";

    public EngineView observe(List<String> leafAddresses, Credentials login) {
        try (IgniteClient client = connect(leafAddresses, login)) {
            ClusterState state = client.cluster().state();
            boolean active = state != ClusterState.INACTIVE;
            Collection<ClusterNode> serverNodes = client.cluster().forServers().nodes();
            Set<String> servers = consistentIds(serverNodes);
            Set<String> clients = consistentIds(client.cluster().forClients().nodes());
            Set<String> baseline = new HashSet<>();
            int notOwning = -1;
            Map<String, Integer> movingByLeaf = new TreeMap<>();
            Map<String, Integer> lostByTable = new TreeMap<>();
            String detail = "";
            if (active) {
                for (List<?> row : client.query(new SqlFieldsQuery("SELECT CONSISTENT_ID FROM SYS.BASELINE_NODES")).getAll()) {
                    baseline.add(String.valueOf(row.get(0)));
                }
                try {
                    PartitionStates states = partitionStates(client, serverNodes, baseline);
                    notOwning = states.notOwning();
                    movingByLeaf.putAll(states.movingByLeaf());
                    lostByTable.putAll(states.lostByTable());
                    detail = states.detail();
                } catch (RuntimeException e) {
                    // the view can fail while a leaf enters the partition map (Ignite 2.17: a NullPointerException from
                    // SYS.PARTITION_STATES during the exchange): the nodes and the baseline read above stand, and the
                    // partitions count as not settled, so that nothing is touched until they can be read
                    LOG.debug("partition states of {} not readable", leafAddresses, e);
                    notOwning = 1;
                    detail = "partition states not readable yet: " + Causes.rootMessage(e);
                }
            }
            return new EngineView(true, active, servers, clients, baseline, notOwning, movingByLeaf, lostByTable, detail,
                    state == ClusterState.ACTIVE_READ_ONLY);
        } catch (RuntimeException e) {
            LOG.debug("no leaf of {} answered", leafAddresses, e);
            return EngineView.unreachable("no leaf answered: " + Causes.rootMessage(e));
        }
    }

    /** What {@code SYS.PARTITION_STATES} says: the copies not owning, by state and leaf, and the MOVING ones per leaf. */
    private record PartitionStates(int notOwning, Map<String, Integer> movingByLeaf, Map<String, Integer> lostByTable, String detail) {
    }

    private static PartitionStates partitionStates(IgniteClient client, Collection<ClusterNode> serverNodes, Set<String> baseline) {
        Map<String, String> names = serverNodes.stream()
                .collect(Collectors.toMap(n -> n.id().toString(), n -> String.valueOf(n.consistentId()), (a, b) -> a));
        Map<String, Integer> movingByLeaf = new TreeMap<>();
        // by state and leaf, so that a wait that does not end says where the copies are stuck and in which state.
        // EVICTED copies are not counted: their eviction is over, the node holds nothing of them and owns none of
        // them, and nothing moves them further. The partition map can keep them: CI once saw 45 EVICTED copies
        // on a leaf for 4 minutes once its group's other leaf stopped for a scale-in, and the wait for them to
        // "move" never ended. RENTING (being cleared) copies still count: that clearing ends by itself.
        int notOwning = 0;
        Map<String, Integer> byStateAndLeaf = new TreeMap<>();
        for (List<?> row : client.query(new SqlFieldsQuery("SELECT STATE, NODE_ID, COUNT(*) FROM SYS.PARTITION_STATES"
                + " WHERE STATE NOT IN ('OWNING', 'EVICTED') GROUP BY STATE, NODE_ID")).getAll()) {
            int count = ((Number) row.get(2)).intValue();
            notOwning += count;
            String leaf = names.get(String.valueOf(row.get(1)));
            byStateAndLeaf.merge(row.get(0) + " on " + (leaf != null ? leaf : String.valueOf(row.get(1))), count, Integer::sum);
            if ("MOVING".equals(row.get(0)) && leaf != null) {
                movingByLeaf.merge(leaf, count, Integer::sum);
            }
        }
        String detail = byStateAndLeaf.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
        // a server that joined but is not yet in the partition map has not been through the exchange: its
        // partitions are not MOVING yet, so "all OWNING" would be read too early (and a partner restarted
        // while it still lacks the writes it missed)
        Set<String> mapped = new HashSet<>();
        for (List<?> row : client.query(new SqlFieldsQuery("SELECT DISTINCT NODE_ID FROM SYS.PARTITION_STATES")).getAll()) {
            mapped.add(String.valueOf(row.get(0)));
        }
        // only baseline nodes own partitions; a server outside the baseline has none to show
        long unmapped = serverNodes.stream()
                .filter(n -> baseline.contains(String.valueOf(n.consistentId())))
                .filter(n -> !mapped.contains(n.id().toString())).count();
        if (unmapped > 0) {
            notOwning += (int) unmapped;
            detail = (detail.isEmpty() ? "" : detail + ", ") + unmapped + " leaves not yet in the partition map";
        }
        return new PartitionStates(notOwning, movingByLeaf, byStateAndLeaf.keySet().stream().anyMatch(k -> k.startsWith("LOST "))
                ? lostByTable(client) : Map.of(), detail);
    }

    /**
     * Lost partitions per table (a cache's group without a table, such as the platform's own, by its name): each
     * partition counted once, however many leaves hold it LOST.
     */
    private static Map<String, Integer> lostByTable(IgniteClient client) {
        Map<String, Integer> lost = new TreeMap<>();
        Map<Object, String> tables = new HashMap<>();
        for (List<?> row : client.query(new SqlFieldsQuery(OWN_STATEMENT
                + "SELECT CACHE_GROUP_ID, SCHEMA_NAME, TABLE_NAME FROM SYS.TABLES")).getAll()) {
            tables.merge(row.get(0), row.get(1) + "." + row.get(2), (a, b) -> a + ", " + b);
        }
        for (List<?> row : client.query(new SqlFieldsQuery(OWN_STATEMENT + "SELECT P.CACHE_GROUP_ID, G.CACHE_GROUP_NAME,"
                + " COUNT(DISTINCT P.PARTITION_ID) FROM SYS.PARTITION_STATES P JOIN SYS.CACHE_GROUPS G"
                + " ON G.CACHE_GROUP_ID = P.CACHE_GROUP_ID WHERE P.STATE = 'LOST'"
                + " GROUP BY P.CACHE_GROUP_ID, G.CACHE_GROUP_NAME")).getAll()) {
            lost.merge(tables.getOrDefault(row.get(0), String.valueOf(row.get(1))), ((Number) row.get(2)).intValue(), Integer::sum);
        }
        return lost;
    }

    /**
     * The login that works on the cluster, taking over the engine's superuser when it still has its default password (a
     * cluster just made, or one from before authentication): the platform's own login first; when the engine refuses
     * it, the default one, and, once the cluster is active (users are kept in its metastorage, changed only then), the
     * superuser's password is set to the platform's. The platform's login is stored before this is called, so a
     * password the engine takes is always one the platform kept; a change whose answer was lost is found done on the
     * next try. Returns the platform's login also when no leaf answers (the caller's own call says so).
     */
    public Credentials takeOver(List<String> leafAddresses, Credentials platform) {
        if (!platform.present()) {
            return platform;
        }
        try (IgniteClient client = connect(leafAddresses, platform)) {
            return platform;
        } catch (RuntimeException e) {
            if (!refusedLogin(e)) {
                return platform;
            }
        }
        // over the same connection settings as the platform's: a cluster with TLS takes no plain-text client
        Credentials engineDefault = new Credentials(Credentials.ENGINE_DEFAULT.user(), Credentials.ENGINE_DEFAULT.password(), platform.tls());
        try (IgniteClient client = connect(leafAddresses, engineDefault)) {
            if (client.cluster().state() == ClusterState.INACTIVE) {
                return engineDefault;
            }
            UserCommands.setPassword(leafAddresses, engineDefault, platform.user(), platform.password());
            LOG.info("{}: the engine's default password of user {} replaced by the platform's secret", leafAddresses, platform.user());
            return platform;
        } catch (RuntimeException | SQLException e) {
            // neither login is taken: the cluster's superuser has a password the platform does not know (its secret
            // lost), which nothing here can fix; the callers' calls fail with the engine's refusal
            LOG.debug("{}: the engine's default login refused too: {}", leafAddresses, Causes.rootMessage(e));
            return platform;
        }
    }

    public void activate(List<String> leafAddresses, Credentials login) {
        try (IgniteClient client = connect(leafAddresses, login)) {
            client.cluster().state(ClusterState.ACTIVE);
        }
    }

    /** Runs {@code --baseline set} through the control utility against the first leaf that accepts it. */
    public void setBaseline(List<NodePlacement> leaves, Set<String> consistentIds, Credentials login) {
        String ids = consistentIds.stream().sorted().collect(Collectors.joining(","));
        control(leaves, login, "set the baseline to " + ids, List.of("--baseline", "set", ids, "--yes"));
    }

    /**
     * {@code --cache reset_lost_partitions} for every cache with a lost partition: their copies on the leaves are
     * declared owned again. Nothing happens when none is lost.
     */
    public void resetLostPartitions(List<NodePlacement> leaves, Credentials login) {
        List<String> caches = new ArrayList<>();
        try (IgniteClient client = connect(leaves.stream().map(NodePlacement::sqlAddress).toList(), login)) {
            for (List<?> row : client.query(new SqlFieldsQuery(OWN_STATEMENT + "SELECT C.CACHE_NAME FROM SYS.CACHES C WHERE"
                    + " C.CACHE_GROUP_ID IN (SELECT CACHE_GROUP_ID FROM SYS.PARTITION_STATES WHERE STATE = 'LOST')")).getAll()) {
                caches.add(String.valueOf(row.get(0)));
            }
        }
        if (caches.isEmpty()) {
            return;
        }
        String names = caches.stream().sorted().collect(Collectors.joining(","));
        control(leaves, login, "reset the lost partitions of " + names, List.of("--cache", "reset_lost_partitions", names));
    }

    /** {@code --snapshot create NAME --dest DIR --sync}: returns once every leaf has written its part. */
    public void createSnapshot(List<NodePlacement> leaves, String name, Path directory, Credentials login) {
        snapshotCommand(leaves, login, "take snapshot " + name, List.of("--snapshot", "create", name, "--dest", directory.toString(), "--sync"));
    }

    /**
     * {@code --snapshot restore NAME --src DIR --sync}: the snapshot's caches (tables) are created and filled from its
     * files. Ignite (2.12 and later) reads the partitions of a snapshot taken on another topology too, rebuilding the
     * indexes, as long as every partition is in the directory.
     */
    public void restoreSnapshot(List<NodePlacement> leaves, String name, Path directory, Credentials login) {
        snapshotCommand(leaves, login, "restore snapshot " + name, List.of("--snapshot", "restore", name, "--src", directory.toString(), "--sync", "--yes"));
    }

    private void snapshotCommand(List<NodePlacement> leaves, Credentials login, String what, List<String> command) {
        requireSnapshotsOfThisVersion(leaves, login, what);
        control(leaves, login, what, command);
    }

    /**
     * Runs a control utility command against the first leaf that answers: only a leaf that did not answer is a reason to
     * ask another one, a refusal is the cluster's answer.
     */
    private void control(List<NodePlacement> leaves, Credentials login, String what, List<String> command) {
        List<String> failures = new ArrayList<>();
        for (NodePlacement leaf : leaves) {
            CapturingLogger output = new CapturingLogger();
            List<String> args = new ArrayList<>(List.of("--host", leaf.host(), "--port", Integer.toString(leaf.sqlPort())));
            args.addAll(login.controlArguments());
            args.addAll(command);
            int code = new CommandHandler(output).execute(args);
            if (code == CommandHandler.EXIT_CODE_OK) {
                LOG.debug("{} through {}:\n{}", what, leaf.node(), output.text());
                return;
            }
            failures.add(leaf.node() + ": exit code " + code + ": " + output.lastError());
            if (code != CommandHandler.EXIT_CODE_CONNECTION_FAILED) {
                break;
            }
        }
        throw new IllegalStateException("could not " + what + ": " + String.join("; ", failures));
    }

    /**
     * The platform runs its own engine version's control utility, and its snapshot commands are compute tasks whose
     * classes changed between versions: a 2.16 cluster refuses them ("Compute grid functionality is disabled for thin
     * clients"), and with thin-client compute allowed the 2.17 side cannot read 2.16's answer. 2.16's control utility
     * is not published on Maven Central, so a cluster of an older version is told so before anything is asked of it.
     */
    private void requireSnapshotsOfThisVersion(List<NodePlacement> leaves, Credentials login, String what) {
        IgniteProductVersion platform = IgniteVersionUtils.VER;
        IgniteProductVersion cluster;
        try (IgniteClient client = connect(leaves.stream().map(NodePlacement::sqlAddress).toList(), login)) {
            cluster = client.cluster().forServers().nodes().stream().map(ClusterNode::version).findFirst().orElse(null);
        } catch (RuntimeException e) {
            // no leaf answered: the command below says so, leaf by leaf
            return;
        }
        if (cluster != null && (cluster.major() != platform.major() || cluster.minor() != platform.minor())) {
            throw new IllegalStateException("could not " + what + ": the cluster runs engine " + cluster.major() + "."
                    + cluster.minor() + "." + cluster.maintenance() + " and the platform's snapshot commands are those of "
                    + platform.major() + "." + platform.minor() + "." + platform.maintenance()
                    + ", which an older engine refuses: upgrade the cluster to " + platform.major() + "." + platform.minor()
                    + "." + platform.maintenance() + " to back it up");
        }
    }

    /**
     * Rows of every table, keyed {@code SCHEMA.TABLE}: the size of the table's cache (primary copies), which Ignite keeps
     * per partition, so that counting takes the same time for a table of a thousand rows and of a billion. A
     * {@code COUNT(*)} scans every row: on 256 MB it outlasted the client's timeout on a busy machine and failed a
     * restore that had worked. A cache holding several tables (possible through the Java API, not through SQL) is
     * counted with {@code COUNT(*)}, since its size is theirs together.
     */
    public Map<String, Long> tableRows(List<String> addresses, Credentials login) {
        try (IgniteClient client = connect(addresses, login)) {
            List<List<?>> tables = client.query(new SqlFieldsQuery(OWN_STATEMENT + "SELECT SCHEMA_NAME, TABLE_NAME, CACHE_NAME FROM SYS.TABLES")).getAll();
            Map<Object, Long> tablesPerCache = tables.stream().collect(Collectors.groupingBy(t -> t.get(2), Collectors.counting()));
            Map<String, Long> rows = new TreeMap<>();
            for (List<?> table : tables) {
                long count;
                if (tablesPerCache.get(table.get(2)) == 1) {
                    count = client.cache(String.valueOf(table.get(2))).size(CachePeekMode.PRIMARY);
                } else {
                    count = ((Number) client.query(new SqlFieldsQuery(OWN_STATEMENT + "SELECT COUNT(*) FROM " + quoted(table.get(0)) + "."
                            + quoted(table.get(1)))).getAll().get(0).get(0)).longValue();
                }
                rows.put(table.get(0) + "." + table.get(1), count);
            }
            return rows;
        }
    }

    /** Whether the leaves list this client node (an aggregator, by consistent ID) among the cluster's nodes. */
    public boolean clientJoined(List<String> leafAddresses, Credentials login, String consistentId) {
        try (IgniteClient client = connect(leafAddresses, login)) {
            return consistentIds(client.cluster().forClients().nodes()).contains(consistentId);
        } catch (RuntimeException e) {
            LOG.debug("{} not known to have joined: {}", consistentId, Causes.rootMessage(e));
            return false;
        }
    }

    /**
     * Whether SQL answers through this aggregator for every table it lists. A restarted aggregator answers
     * {@code SELECT 1} and lists the tables in {@code SYS.TABLES} up to a second before its parser knows them
     * ("Table not found"): clients sent to it then would fail, so each table is parsed once through it.
     */
    public boolean sqlAnswers(String aggregatorAddress, Credentials login) {
        try (IgniteClient client = connect(List.of(aggregatorAddress), login)) {
            List<List<?>> tables = client.query(new SqlFieldsQuery(OWN_STATEMENT + "SELECT SCHEMA_NAME, TABLE_NAME FROM SYS.TABLES"))
                    .getAll();
            for (List<?> table : tables) {
                client.query(new SqlFieldsQuery(OWN_STATEMENT + "SELECT 1 FROM " + quoted(table.get(0)) + "." + quoted(table.get(1))
                        + " WHERE FALSE")).getAll();
            }
            if (!tables.isEmpty()) {
                // a read of the leaves' data, not only of the aggregator's schema: an aggregator hung in a partition
                // exchange still answers the above (nothing to map) while every statement on a table waits for good
                client.query(new SqlFieldsQuery(OWN_STATEMENT + "SELECT 1 FROM " + quoted(tables.get(0).get(0)) + "."
                        + quoted(tables.get(0).get(1)) + " LIMIT 1").setTimeout(TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)).getAll();
            }
            return true;
        } catch (RuntimeException e) {
            LOG.debug("SQL did not answer through {}: {}", aggregatorAddress, Causes.rootMessage(e));
            return false;
        }
    }

    /** Whether the engine refused the login (not: no node answered), in the failure or what it wraps or suppressed. */
    static boolean refusedLogin(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClientAuthenticationException) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (refusedLogin(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String quoted(Object identifier) {
        return '"' + String.valueOf(identifier).replace("\"", "\"\"") + '"';
    }

    static IgniteClient connect(List<String> addresses, Credentials login) {
        if (addresses.isEmpty()) {
            throw new IllegalStateException("no address to connect to");
        }
        return Ignition.startClient(login.applyTo(new ClientConfiguration())
                .setAddresses(addresses.toArray(String[]::new))
                .setTimeout(TIMEOUT_MS)
                .setClusterDiscoveryEnabled(false));
    }

    private static Set<String> consistentIds(Collection<ClusterNode> nodes) {
        return nodes.stream().map(n -> String.valueOf(n.consistentId())).collect(Collectors.toSet());
    }
}

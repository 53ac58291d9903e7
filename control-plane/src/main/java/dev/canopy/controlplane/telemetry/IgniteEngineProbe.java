package dev.canopy.controlplane.telemetry;

import dev.canopy.core.Causes;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.client.SslMode;
import org.apache.ignite.configuration.ClientConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads Ignite's system views over the thin JDBC driver: cheap reads only, never {@code COUNT(*)} over a user table,
 * since a sample every few seconds must not load the cluster it watches.
 * <ul>
 *   <li>nodes, CPU and heap from {@code SYS.NODES} and {@code SYS.NODE_METRICS}, through any aggregator;</li>
 *   <li>each table's rows from its cache's size over the thin client (a size adds up its partitions' counters);</li>
 *   <li>each table's bytes from every leaf's own {@code SYS.METRICS} (a node shows only its own metrics), the leaves
 *       found through {@code SYS.NODES} and their {@code clientListenerPort} attribute;</li>
 *   <li>statements run, and each statement's fastest and slowest run, from every aggregator's own
 *       {@code SYS.SQL_QUERIES_HISTORY}: the aggregators plan and reduce the users' SQL.</li>
 * </ul>
 * Canopy's own statements (these, and the region's readiness checks) start with the comment {@code /* canopy *}{@code /}
 * and are left out of the users' figures. (Not a schema of their own: a node that has just started may not know the
 * {@code SYS} schema yet, and a statement set to it then fails.)
 */
public final class IgniteEngineProbe implements EngineProbe {
    private static final Logger LOG = LoggerFactory.getLogger(IgniteEngineProbe.class);
    private static final String JDBC_PREFIX = "jdbc:ignite:thin://";
    /** Ignite's {@code ConnectionPropertiesImpl.PROP_PREFIX}: connection properties other than the login go under it. */
    private static final String DRIVER_PREFIX = "ignite.jdbc.";
    /** Ignite's client listener counts the handshakes it refused for a wrong user name or password (ClientListenerMetrics). */
    static final String REFUSED_LOGINS_METRIC = "client.connector.RejectedSessionsAuthenticationFailed";
    /** As engine-ignite's IgniteAdmin.OWN_STATEMENT: the history keeps a statement's text as sent. */
    static final String OWN_STATEMENT = "/* canopy */ ";
    static final int TOP_QUERIES = 5;
    private static final String STORAGE_METRIC = "StorageSize";

    private final int timeoutSeconds;

    public IgniteEngineProbe(int timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public EngineReading read(String jdbcUrl) throws SQLException {
        return read(jdbcUrl, new Properties());
    }

    /** With the platform's login to the cluster, when its authentication is on: the same login for every call. */
    @Override
    public EngineReading read(String jdbcUrl, Properties platformLogin) throws SQLException {
        // the probe opens connections by node address too: each carries the URL's settings (a cluster's trust store)
        Properties login = withUrlSettings(jdbcUrl, platformLogin);
        List<NodeSample> samples = new ArrayList<>();
        List<TableSample> tables = new ArrayList<>();
        List<String> leaves = new ArrayList<>();
        try (Connection connection = connect(jdbcUrl, login); Statement statement = connection.createStatement()) {
            Map<String, String[]> nodes = new HashMap<>();
            try (ResultSet rs = statement.executeQuery(OWN_STATEMENT + "SELECT NODE_ID, CONSISTENT_ID, IS_CLIENT, ADDRESSES FROM SYS.NODES")) {
                while (rs.next()) {
                    nodes.put(rs.getString(1), new String[]{rs.getString(2), Boolean.toString(rs.getBoolean(3)), rs.getString(4)});
                }
            }
            try (ResultSet rs = statement.executeQuery(
                    OWN_STATEMENT + "SELECT NODE_ID, CUR_CPU_LOAD, HEAP_MEMORY_USED, HEAP_MEMORY_MAX FROM SYS.NODE_METRICS")) {
                while (rs.next()) {
                    String[] node = nodes.getOrDefault(rs.getString(1), new String[]{null, "false", null});
                    samples.add(new NodeSample(rs.getString(1), node[0], Boolean.parseBoolean(node[1]),
                            Math.max(0, rs.getDouble(2)), rs.getLong(3), rs.getLong(4)));
                }
            }
            try (ResultSet rs = statement.executeQuery(
                    OWN_STATEMENT + "SELECT NODE_ID, VALUE FROM SYS.NODE_ATTRIBUTES WHERE NAME = 'clientListenerPort'")) {
                while (rs.next()) {
                    String[] node = nodes.get(rs.getString(1));
                    if (node != null && !Boolean.parseBoolean(node[1])) {
                        leaves.add(address(node[2], rs.getString(2)));
                    }
                }
            }
            try (ResultSet rs = statement.executeQuery(
                    OWN_STATEMENT + "SELECT SCHEMA_NAME, TABLE_NAME, CACHE_NAME, CACHE_GROUP_NAME FROM SYS.TABLES")) {
                while (rs.next()) {
                    tables.add(new TableSample(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), null, null));
                }
            }
        }
        tables = withRows(jdbcUrl, tables, login);
        java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
        tables = withBytes(tables, storageByGroup(leaves, login, refused));
        List<QuerySample> history = queryHistory(addresses(jdbcUrl), login, refused);
        return new EngineReading(samples, tables, history.stream().mapToLong(QuerySample::executions).sum(),
                history.stream().sorted(Comparator.comparingLong(QuerySample::executions).reversed()).limit(TOP_QUERIES).toList(),
                refused.get());
    }

    private Connection connect(String jdbcUrl, Properties login) throws SQLException {
        // the driver's own timeouts: DriverManager's login timeout would be set for every driver of the process
        Properties properties = new Properties();
        properties.putAll(login);
        properties.setProperty(DRIVER_PREFIX + "connectionTimeout", Integer.toString(timeoutSeconds * 1000));
        properties.setProperty(DRIVER_PREFIX + "queryTimeout", Integer.toString(timeoutSeconds));
        return DriverManager.getConnection(jdbcUrl, properties);
    }

    private List<TableSample> withRows(String jdbcUrl, List<TableSample> tables, Properties login) {
        if (tables.isEmpty()) {
            return tables;
        }
        ClientConfiguration config = new ClientConfiguration().setAddresses(addresses(jdbcUrl))
                .setTimeout(timeoutSeconds * 1000).setPartitionAwarenessEnabled(false);
        if (login.getProperty("user") != null) {
            config.setUserName(login.getProperty("user")).setUserPassword(login.getProperty("password"));
        }
        if ("require".equals(login.getProperty(DRIVER_PREFIX + "sslMode"))) {
            config.setSslMode(SslMode.REQUIRED)
                    .setSslTrustCertificateKeyStorePath(login.getProperty(DRIVER_PREFIX + "sslTrustCertificateKeyStoreUrl"))
                    .setSslTrustCertificateKeyStorePassword(login.getProperty(DRIVER_PREFIX + "sslTrustCertificateKeyStorePassword"))
                    .setSslTrustCertificateKeyStoreType(login.getProperty(DRIVER_PREFIX + "sslTrustCertificateKeyStoreType"))
                    .setSslClientCertificateKeyStorePath(login.getProperty(DRIVER_PREFIX + "sslClientCertificateKeyStoreUrl"))
                    .setSslClientCertificateKeyStorePassword(login.getProperty(DRIVER_PREFIX + "sslClientCertificateKeyStorePassword"))
                    .setSslClientCertificateKeyStoreType(login.getProperty(DRIVER_PREFIX + "sslClientCertificateKeyStoreType"));
        }
        try (IgniteClient client = Ignition.startClient(config)) {
            return tables.stream().map(t -> new TableSample(t.schema(), t.name(), t.cacheName(), t.cacheGroup(),
                    (long) client.cache(t.cacheName()).size(CachePeekMode.PRIMARY), t.bytes())).toList();
        }
    }

    /**
     * Bytes per cache group over every leaf; null when a leaf could not be asked, since a sum without it would read as
     * the table having shrunk.
     */
    private Map<String, Long> storageByGroup(List<String> leaves, Properties login, java.util.concurrent.atomic.AtomicLong refused) {
        Map<String, Long> bytes = new HashMap<>();
        for (String leaf : leaves) {
            try (Connection connection = connect(JDBC_PREFIX + leaf, login); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery(
                         OWN_STATEMENT + "SELECT NAME, VALUE FROM SYS.METRICS WHERE NAME LIKE 'cacheGroups.%." + STORAGE_METRIC
                                 + "' OR NAME = '" + REFUSED_LOGINS_METRIC + "'")) {
                while (rs.next()) {
                    if (REFUSED_LOGINS_METRIC.equals(rs.getString(1))) {
                        refused.addAndGet(Long.parseLong(rs.getString(2)));
                    } else {
                        bytes.merge(cacheGroup(rs.getString(1)), Long.parseLong(rs.getString(2)), Long::sum);
                    }
                }
            } catch (SQLException | NumberFormatException e) {
                LOG.debug("telemetry: no storage figures from leaf {}: {}", leaf, Causes.rootMessage(e));
                return null;
            }
        }
        return bytes;
    }

    static List<TableSample> withBytes(List<TableSample> tables, Map<String, Long> byGroup) {
        if (byGroup == null) {
            return tables;
        }
        return tables.stream().map(t -> new TableSample(t.schema(), t.name(), t.cacheName(), t.cacheGroup(), t.rows(),
                byGroup.getOrDefault(t.cacheGroup(), 0L))).toList();
    }

    /** Every aggregator's history, each statement added up over them. */
    private List<QuerySample> queryHistory(String[] aggregators, Properties login, java.util.concurrent.atomic.AtomicLong refused)
            throws SQLException {
        Map<String, QuerySample> bySql = new LinkedHashMap<>();
        for (String aggregator : aggregators) {
            try (Connection connection = connect(JDBC_PREFIX + aggregator, login); Statement statement = connection.createStatement()) {
                try (ResultSet rs = statement.executeQuery(OWN_STATEMENT + "SELECT SQL, EXECUTIONS, FAILURES, DURATION_MIN, DURATION_MAX"
                        + " FROM SYS.SQL_QUERIES_HISTORY WHERE SQL NOT LIKE '" + OWN_STATEMENT.strip() + "%'")) {
                    while (rs.next()) {
                        bySql.merge(rs.getString(1), new QuerySample(rs.getString(1), rs.getLong(2), rs.getLong(3),
                                rs.getLong(4), rs.getLong(5)), IgniteEngineProbe::combined);
                    }
                }
                // where users' clients log in: each node counts the logins it refused since it started
                try (ResultSet rs = statement.executeQuery(OWN_STATEMENT + "SELECT VALUE FROM SYS.METRICS WHERE NAME = '"
                        + REFUSED_LOGINS_METRIC + "'")) {
                    while (rs.next()) {
                        refused.addAndGet(Long.parseLong(rs.getString(1)));
                    }
                }
            }
        }
        return List.copyOf(bySql.values());
    }

    static QuerySample combined(QuerySample a, QuerySample b) {
        return new QuerySample(a.sql(), a.executions() + b.executions(), a.failures() + b.failures(),
                Math.min(a.minMillis(), b.minMillis()), Math.max(a.maxMillis(), b.maxMillis()));
    }

    /** {@code cacheGroups.SQL_PUBLIC_T.StorageSize} → {@code SQL_PUBLIC_T} (a group name may itself hold dots). */
    static String cacheGroup(String metric) {
        return metric.substring("cacheGroups.".length(), metric.length() - STORAGE_METRIC.length() - 1);
    }

    /**
     * A leaf's thin-client address from {@code SYS.NODES.ADDRESSES} ({@code [10.0.0.5, 127.0.0.1]}) and its client
     * port: the first address that is not loopback, or loopback when that is all it has (every local node).
     */
    static String address(String addresses, String port) {
        List<String> all = List.of(addresses.replaceAll("[\\[\\]\\s]", "").split(","));
        String host = all.stream().filter(a -> !a.startsWith("127.") && !a.contains(":")).findFirst().orElse(all.get(0));
        return host + ":" + port;
    }

    /**
     * The login with the URL's own settings ({@code ?a=b&c=d}, a value in braces where it holds {@code &}; nothing
     * decoded, as the driver does) as the driver reads them from properties: under its prefix (it ignores any other
     * name than {@code user} and {@code password}).
     */
    static Properties withUrlSettings(String jdbcUrl, Properties login) {
        Properties all = new Properties();
        all.putAll(login);
        int query = jdbcUrl.indexOf('?');
        if (query >= 0) {
            java.util.regex.Matcher pair = java.util.regex.Pattern.compile("([^=&]+)=(\\{[^}]*}|[^&]*)").matcher(jdbcUrl.substring(query + 1));
            while (pair.find()) {
                String value = pair.group(2).startsWith("{") ? pair.group(2).substring(1, pair.group(2).length() - 1) : pair.group(2);
                all.setProperty(DRIVER_PREFIX + pair.group(1), value);
            }
        }
        return all;
    }

    /** The aggregators' {@code host:port}s of a thin JDBC URL; the thin client speaks on the same port. */
    static String[] addresses(String jdbcUrl) {
        if (!jdbcUrl.startsWith(JDBC_PREFIX)) {
            throw new IllegalArgumentException("not an Ignite thin JDBC URL: " + jdbcUrl);
        }
        String hosts = jdbcUrl.substring(JDBC_PREFIX.length()).split("[/?;]", 2)[0];
        return hosts.split(",");
    }
}

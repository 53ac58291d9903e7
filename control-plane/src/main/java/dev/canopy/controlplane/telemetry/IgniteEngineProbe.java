package dev.canopy.controlplane.telemetry;

import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.configuration.ClientConfiguration;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads Ignite's SQL system views over the thin JDBC driver, and each table's rows from its cache's size over the thin
 * client (the same client port): cheap reads only, never {@code COUNT(*)} over a user table, since a sample every few
 * seconds must not load the cluster it watches (a cache's size adds up its partitions' counters). Queries executed
 * come from {@code SYS.SQL_QUERIES_HISTORY} of the aggregator answering, the node that plans and reduces the SQL.
 */
public final class IgniteEngineProbe implements EngineProbe {
    private static final String JDBC_PREFIX = "jdbc:ignite:thin://";
    private final int timeoutSeconds;

    public IgniteEngineProbe(int timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public EngineReading read(String jdbcUrl) throws SQLException {
        // the driver's own timeouts: DriverManager's login timeout would be set for every driver of the process
        Properties properties = new Properties();
        properties.setProperty("connectionTimeout", Integer.toString(timeoutSeconds * 1000));
        properties.setProperty("queryTimeout", Integer.toString(timeoutSeconds));
        try (Connection connection = DriverManager.getConnection(jdbcUrl, properties);
             Statement statement = connection.createStatement()) {
            Map<String, String[]> nodes = new HashMap<>();
            try (ResultSet rs = statement.executeQuery("SELECT NODE_ID, CONSISTENT_ID, IS_CLIENT FROM SYS.NODES")) {
                while (rs.next()) {
                    nodes.put(rs.getString(1), new String[]{rs.getString(2), Boolean.toString(rs.getBoolean(3))});
                }
            }
            List<NodeSample> samples = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT NODE_ID, CUR_CPU_LOAD, HEAP_MEMORY_USED, HEAP_MEMORY_MAX FROM SYS.NODE_METRICS")) {
                while (rs.next()) {
                    String[] node = nodes.getOrDefault(rs.getString(1), new String[]{null, "false"});
                    samples.add(new NodeSample(rs.getString(1), node[0], Boolean.parseBoolean(node[1]),
                            Math.max(0, rs.getDouble(2)), rs.getLong(3), rs.getLong(4)));
                }
            }
            List<TableSample> tables = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SELECT SCHEMA_NAME, TABLE_NAME, CACHE_NAME FROM SYS.TABLES")) {
                while (rs.next()) {
                    tables.add(new TableSample(rs.getString(1), rs.getString(2), rs.getString(3), null));
                }
            }
            tables = withRows(jdbcUrl, tables);
            long executed;
            try (ResultSet rs = statement.executeQuery("SELECT SUM(EXECUTIONS) FROM SYS.SQL_QUERIES_HISTORY")) {
                executed = rs.next() ? rs.getLong(1) : 0;
            }
            return new EngineReading(samples, tables, executed);
        }
    }

    private List<TableSample> withRows(String jdbcUrl, List<TableSample> tables) {
        if (tables.isEmpty()) {
            return tables;
        }
        ClientConfiguration config = new ClientConfiguration().setAddresses(addresses(jdbcUrl))
                .setTimeout(timeoutSeconds * 1000).setPartitionAwarenessEnabled(false);
        try (IgniteClient client = Ignition.startClient(config)) {
            return tables.stream().map(t -> new TableSample(t.schema(), t.name(), t.cacheName(),
                    (long) client.cache(t.cacheName()).size(CachePeekMode.PRIMARY))).toList();
        }
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

package dev.canopy.engine.ignite;

import dev.canopy.core.Causes;
import dev.canopy.core.Switchover.TableDigest;
import dev.canopy.core.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * A digest of every user table: its rows and the sum (mod 2^64) of a 64-bit hash of each row, so that the order rows
 * are read in does not matter, and neither does the engine release: each value is rendered canonically from the class
 * the JDBC driver returns (a number as its value, a decimal without trailing zeros, a time as epoch milliseconds and
 * nanoseconds, bytes as hex), with its column's name, columns taken in name order.
 *
 * <p><b>Cost.</b> A full scan: every row of every table crosses the network to the platform once, read lazily a page
 * at a time through an aggregator (memory: one page), and is hashed with SHA-256 there. Time grows with the data,
 * about as long as reading it all with {@code SELECT *}; it is meant for the moments a switchover compares two
 * clusters, not for every reconcile pass.
 */
final class TableDigests {
    private static final Logger LOG = LoggerFactory.getLogger(TableDigests.class);

    private TableDigests() {
    }

    static Map<String, TableDigest> digest(Topology cluster, AdminLogins logins) {
        long started = System.nanoTime();
        Map<String, TableDigest> digests = new TreeMap<>();
        try (Connection sql = ClusterSql.open(cluster, logins); Statement st = sql.createStatement()) {
            st.setFetchSize(ClusterSql.PAGE);
            MessageDigest sha = sha256();
            for (String table : new TreeSet<>(SchemaCopy.tables(st))) {
                int dot = table.indexOf('.');
                String name = SchemaDdl.quoted(table.substring(0, dot)) + "." + SchemaDdl.quoted(table.substring(dot + 1));
                long rows = 0;
                long checksum = 0;
                try (ResultSet rs = st.executeQuery(IgniteAdmin.OWN_STATEMENT + "SELECT * FROM " + name)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    List<String> names = new ArrayList<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        names.add(meta.getColumnLabel(i));
                    }
                    int[] order = IntStream.range(0, names.size()).boxed().sorted(Comparator.comparing(names::get))
                            .mapToInt(Integer::intValue).toArray();
                    List<String> sortedNames = IntStream.of(order).mapToObj(names::get).toList();
                    List<Object> values = new ArrayList<>(names.size());
                    while (rs.next()) {
                        values.clear();
                        for (int i : order) {
                            values.add(rs.getObject(i + 1));
                        }
                        checksum += rowHash(sha, sortedNames, values);
                        rows++;
                    }
                } catch (SQLException | RuntimeException e) {
                    throw new IllegalStateException("could not digest " + table + " of " + cluster.cluster() + ": " + Causes.rootMessage(e), e);
                }
                digests.put(table, new TableDigest(rows, checksum));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not digest the tables of " + cluster.cluster() + ": " + Causes.rootMessage(e), e);
        }
        LOG.info("{}: {} tables, {} rows digested in {} s", cluster.cluster(), digests.size(),
                digests.values().stream().mapToLong(TableDigest::rows).sum(), String.format("%.1f", (System.nanoTime() - started) / 1e9));
        return digests;
    }

    /**
     * The first 8 bytes of the SHA-256 of the row: each column's name and canonical value, length-prefixed so that no
     * two rows render the same bytes.
     */
    static long rowHash(MessageDigest sha, List<String> names, List<Object> values) {
        sha.reset();
        for (int i = 0; i < names.size(); i++) {
            update(sha, names.get(i));
            update(sha, canonical(values.get(i)));
        }
        return ByteBuffer.wrap(sha.digest()).getLong();
    }

    /** A value as text that is the same whichever release read it; the leading letter keeps types apart. */
    static String canonical(Object value) {
        return switch (value) {
            case null -> "N";
            case Byte b -> "I" + b;
            case Short s -> "I" + s;
            case Integer i -> "I" + i;
            case Long l -> "I" + l;
            case BigDecimal d -> "D" + (d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
            case Float f -> "F" + Double.toString(f.doubleValue());
            case Double d -> "F" + d;
            case Boolean b -> "B" + b;
            case String s -> "S" + s;
            case byte[] bytes -> "X" + HexFormat.of().formatHex(bytes);
            case Timestamp t -> "T" + t.getTime() + "." + t.getNanos();
            case java.util.Date d -> "T" + d.getTime();
            case java.util.UUID u -> "U" + u;
            default -> "O" + value.getClass().getName() + ":" + value;
        };
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void update(MessageDigest sha, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }
}

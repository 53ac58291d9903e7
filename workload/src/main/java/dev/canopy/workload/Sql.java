package dev.canopy.workload;

import org.apache.ignite.IgniteJdbcThinDriver;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/** Opens thin driver connections with the workload's timeouts. */
final class Sql {
    // used directly rather than through DriverManager, which would scan every driver on the class path
    private static final IgniteJdbcThinDriver DRIVER = new IgniteJdbcThinDriver();

    private final String url;
    private final Properties properties = new Properties();
    private final int queryTimeoutSeconds;
    private final int addresses;
    private final long openBudgetNanos;

    Sql(String url, Duration statementTimeout) {
        this(url, new Properties(), statementTimeout);
    }

    /** @param login the driver's {@code user} and {@code password}, empty for a cluster without authentication */
    Sql(String url, Properties login, Duration statementTimeout) {
        this.url = url;
        properties.putAll(login);
        this.addresses = addressCount(url);
        this.openBudgetNanos = statementTimeout.toNanos();
        // connectionTimeout is the socket's connect and read timeout: without it a statement sent to a node that
        // froze (rather than died) would wait forever, since the driver's default is no timeout at all
        properties.setProperty("connectionTimeout", Long.toString(statementTimeout.toMillis()));
        // the server side limit as well, so that the node gives up the statement when the client does
        queryTimeoutSeconds = (int) Math.max(1, (statementTimeout.toMillis() + 999) / 1000);
        properties.setProperty("queryTimeout", Integer.toString(queryTimeoutSeconds));
    }

    /**
     * Opens a connection, trying up to once per address in the URL. One open by the driver is not enough: it tries
     * as many addresses as the URL has, but takes each from a round-robin counter shared by every connection in the
     * JVM, so when several threads reconnect at once (as they do after a node dies) one of them can be handed the
     * same dead address every time and fail although a live one is listed. Further attempts stop once they have
     * taken longer than a statement may (an address that swallows packets costs a connect timeout each time).
     */
    Connection open() throws SQLException {
        long deadline = System.nanoTime() + openBudgetNanos;
        SQLException failure = null;
        for (int attempt = 0; attempt < addresses; attempt++) {
            try {
                Connection connection = DRIVER.connect(url, properties);
                if (connection == null) {
                    throw new IllegalArgumentException("the thin driver does not accept " + url);
                }
                return connection;
            } catch (SQLException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
                if (System.nanoTime() - deadline > 0) {
                    break;
                }
            }
        }
        throw failure;
    }

    /** Addresses in a thin driver URL: {@code jdbc:ignite:thin://h1:p1,h2:p2/schema?k=v}. */
    static int addressCount(String url) {
        String rest = url.substring(url.indexOf("//") + 2);
        int end = rest.length();
        for (char stop : new char[] {'/', '?', ';'}) {
            int at = rest.indexOf(stop);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        return Math.max(1, rest.substring(0, end).split(",", -1).length);
    }

    int queryTimeoutSeconds() {
        return queryTimeoutSeconds;
    }

    /** Closing a connection to a dead node may throw; by then nothing about it matters any more. */
    static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception | LinkageError ignored) {
            // nothing to do: the connection is being dropped
        }
    }

    /** A failure's message with its cause's: the driver's own message is often only "Failed to communicate". */
    static String describe(Throwable e) {
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            message += " (cause: " + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
        }
        return message;
    }
}

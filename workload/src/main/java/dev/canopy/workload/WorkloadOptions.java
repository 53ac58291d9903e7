package dev.canopy.workload;

import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What a {@link Workload} does.
 *
 * @param jdbcUrl           thin driver URL naming every aggregator, e.g. {@code jdbc:ignite:thin://127.0.0.1:p1,127.0.0.1:p2}
 * @param table             table to create if absent and write to; one workload per table at a time
 * @param tableOptions      text after {@code WITH} in the CREATE TABLE, e.g. {@code template=canopy}; empty for none
 * @param writers           writer threads, each with its own connection
 * @param writesPerSecond   target rate of each writer
 * @param readers           reader threads, each with its own connection; may be 0
 * @param readsPerSecond    target rate of each reader
 * @param statementTimeout  longest wait for one statement, and for the socket under it, before it counts as failed
 * @param setupTimeout      how long {@link Workload#start} keeps trying to create the table while the cluster settles
 * @param login             the thin driver's {@code user} and {@code password} for a cluster with authentication on;
 *                          empty for none. Never printed: {@link #toString()} names the user only
 */
public record WorkloadOptions(String jdbcUrl, String table, String tableOptions, int writers, int writesPerSecond,
                              int readers, int readsPerSecond, Duration statementTimeout, Duration setupTimeout,
                              Properties login) {

    public WorkloadOptions(String jdbcUrl, String table, String tableOptions, int writers, int writesPerSecond,
                           int readers, int readsPerSecond, Duration statementTimeout, Duration setupTimeout) {
        this(jdbcUrl, table, tableOptions, writers, writesPerSecond, readers, readsPerSecond, statementTimeout,
                setupTimeout, new Properties());
    }

    // the table name and options are pasted into SQL text, so only plain identifiers and unquoted options pass
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public WorkloadOptions {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        Objects.requireNonNull(setupTimeout, "setupTimeout");
        tableOptions = tableOptions == null ? "" : tableOptions.strip();
        login = copy(login);
        if (!jdbcUrl.startsWith("jdbc:ignite:thin://")) {
            throw new IllegalArgumentException("not an Ignite thin driver URL: " + jdbcUrl);
        }
        if (!IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("table must be a plain SQL identifier: " + table);
        }
        if (tableOptions.contains("\"")) {
            throw new IllegalArgumentException("table options must not contain a double quote: " + tableOptions);
        }
        if (writers < 1 || writesPerSecond < 1 || readers < 0 || readsPerSecond < 1) {
            throw new IllegalArgumentException("need at least one writer, rates of at least 1 per second and no"
                    + " negative reader count: writers=" + writers + " writesPerSecond=" + writesPerSecond
                    + " readers=" + readers + " readsPerSecond=" + readsPerSecond);
        }
        if (statementTimeout.toMillis() < 1 || setupTimeout.isNegative()) {
            throw new IllegalArgumentException("statementTimeout must be at least 1 ms and setupTimeout not negative");
        }
    }

    /** One writer and one reader at 100 statements per second each, 10 s statement timeout, 60 s to set up. */
    public static WorkloadOptions defaults(String jdbcUrl, String table) {
        return new WorkloadOptions(jdbcUrl, table, "", 1, 100, 1, 100, Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    public WorkloadOptions withTableOptions(String options) {
        return new WorkloadOptions(jdbcUrl, table, options, writers, writesPerSecond, readers, readsPerSecond,
                statementTimeout, setupTimeout, login);
    }

    public WorkloadOptions withWriters(int count, int perSecond) {
        return new WorkloadOptions(jdbcUrl, table, tableOptions, count, perSecond, readers, readsPerSecond,
                statementTimeout, setupTimeout, login);
    }

    public WorkloadOptions withReaders(int count, int perSecond) {
        return new WorkloadOptions(jdbcUrl, table, tableOptions, writers, writesPerSecond, count, perSecond,
                statementTimeout, setupTimeout, login);
    }

    public WorkloadOptions withStatementTimeout(Duration timeout) {
        return new WorkloadOptions(jdbcUrl, table, tableOptions, writers, writesPerSecond, readers, readsPerSecond,
                timeout, setupTimeout, login);
    }

    public WorkloadOptions withSetupTimeout(Duration timeout) {
        return new WorkloadOptions(jdbcUrl, table, tableOptions, writers, writesPerSecond, readers, readsPerSecond,
                statementTimeout, timeout, login);
    }

    /** The same load, logging in with the thin driver's {@code user} and {@code password} properties. */
    public WorkloadOptions withLogin(Properties login) {
        return new WorkloadOptions(jdbcUrl, table, tableOptions, writers, writesPerSecond, readers, readsPerSecond,
                statementTimeout, setupTimeout, login);
    }

    /** A copy: the caller's properties may change after, and no one may change these. */
    @Override
    public Properties login() {
        return copy(login);
    }

    private static Properties copy(Properties login) {
        Properties copy = new Properties();
        if (login != null) {
            copy.putAll(login);
        }
        return copy;
    }

    @Override
    public String toString() {
        return "WorkloadOptions[jdbcUrl=" + jdbcUrl + ", table=" + table + ", tableOptions=" + tableOptions
                + ", writers=" + writers + ", writesPerSecond=" + writesPerSecond + ", readers=" + readers
                + ", readsPerSecond=" + readsPerSecond + ", statementTimeout=" + statementTimeout
                + ", setupTimeout=" + setupTimeout + ", user=" + login.getProperty("user") + "]";
    }
}

package dev.canopy.workload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A SQL load on one table, through the Ignite JDBC thin driver, that keeps track of every write the cluster
 * acknowledged, so that a chaos test can prove none was lost while nodes were killed, restarted or scaled.
 *
 * <p>Writers insert rows with ids of their own and record an id as acknowledged only once its INSERT returned one
 * row without an exception; a failed INSERT is in doubt (it may have committed) and its id is never reused.
 * Readers select random acknowledged ids while the load runs: a missing row is a lost read. {@link #verify} reads
 * back every acknowledged id at the end (or at any time: it does not stop the load).
 *
 * <pre>{@code
 * try (Workload load = Workload.start(WorkloadOptions.defaults(jdbcUrl, "chaos").withTableOptions("template=canopy"))) {
 *     await().until(() -> load.progress().writesOk() >= 200);
 *     System.out.println(load.cut("steady"));
 *     killALeaf();
 *     PhaseStats kill = load.cut("kill leaf");
 *     assertThat(kill.readsLost()).isZero();
 *     assertThat(load.verify(Duration.ofSeconds(30)).missingIds()).isEmpty();
 * }
 * }</pre>
 */
public final class Workload implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Workload.class);
    private static final long SETUP_RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long VERIFY_RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int VERIFY_RANGE = 10_000;
    // after the join timeout, a thread still in a statement gets its connection closed under it and this long to end
    private static final long ABORT_JOIN_MILLIS = 2_000;

    private final WorkloadOptions options;
    private final Sql sql;
    private final StatsRecorder stats;
    private final AckedIds acknowledged = new AckedIds();
    private final AckedIds inDoubt = new AckedIds();
    private final List<Actor> actors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final long firstId;
    private boolean closed;

    private Workload(WorkloadOptions options, Sql sql, long firstId) {
        this.options = options;
        this.sql = sql;
        this.firstId = firstId;
        this.stats = new StatsRecorder(System.nanoTime());
    }

    /**
     * Creates the table if absent, then starts the writers and readers.
     *
     * @throws IllegalStateException when the table could not be set up within the options' setup timeout
     */
    public static Workload start(WorkloadOptions options) {
        Sql sql = new Sql(options.jdbcUrl(), options.login(), options.statementTimeout());
        long firstId = setUp(sql, options);
        Workload workload = new Workload(options, sql, firstId);
        for (int w = 0; w < options.writers(); w++) {
            workload.actors.add(new Writer(w, options.writers(), firstId + w, options.table(), sql, workload.stats,
                    options.writesPerSecond(), workload.acknowledged, workload.inDoubt));
        }
        for (int r = 0; r < options.readers(); r++) {
            workload.actors.add(new Reader(r, options.table(), sql, workload.stats, options.readsPerSecond(),
                    workload.acknowledged));
        }
        for (Actor actor : workload.actors) {
            workload.threads.add(actor.start());
        }
        log.info("workload on {}: {} writers at {}/s, {} readers at {}/s, ids from {}", options.table(),
                options.writers(), options.writesPerSecond(), options.readers(), options.readsPerSecond(), firstId);
        return workload;
    }

    /** Running totals since the start, e.g. to wait until enough writes were acknowledged. */
    public Progress progress() {
        return stats.progress();
    }

    /** Ends the current phase (which began at the previous cut, or at the start) and begins the next. */
    public PhaseStats cut(String label) {
        PhaseStats phase = stats.cut(label, System.nanoTime());
        log.debug("phase {}", phase);
        return phase;
    }

    /**
     * Reads back, with a fresh connection, every id acknowledged before this call, retrying on errors until the
     * timeout. The writers and readers keep running meanwhile.
     */
    public Verification verify(Duration timeout) {
        return verify(timeout, sql);
    }

    /**
     * The same, read from another cluster that should hold the writes (a replica, a promoted one), through its URL;
     * the load's own cluster may be gone.
     */
    public Verification verifyAt(String jdbcUrl, Duration timeout) {
        return verifyAt(jdbcUrl, new Properties(), timeout);
    }

    /** The same, logging in to the other cluster with its own login (the thin driver's {@code user}, {@code password}). */
    public Verification verifyAt(String jdbcUrl, Properties login, Duration timeout) {
        return verify(timeout, new Sql(jdbcUrl, login, options.statementTimeout()));
    }

    private Verification verify(Duration timeout, Sql sql) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        long[] acked = acknowledged.sortedSnapshot();
        long[] doubtful = inDoubt.sortedSnapshot();
        if (acked.length == 0 && doubtful.length == 0) {
            return new Verification(0, 0, List.of(), true, 0, 0, Duration.ofNanos(System.nanoTime() - started));
        }
        long low = Math.min(first(acked), first(doubtful));
        long high = Math.max(last(acked), last(doubtful));
        // ids are dense from the first one on, so a bit per id is the smallest faithful record of what was found
        BitSet present = new BitSet();
        boolean complete = true;
        long failures = 0;
        Connection connection = null;
        try {
            long from = low;
            while (from <= high) {
                if (System.nanoTime() - deadline > 0) {
                    complete = false;
                    break;
                }
                long to = Math.min(high, from + VERIFY_RANGE - 1);
                try {
                    if (connection == null) {
                        connection = sql.open();
                    }
                    readRange(connection, from, to, low, present);
                    from = to + 1;
                } catch (SQLException | RuntimeException | AssertionError e) {
                    Sql.closeQuietly(connection);
                    connection = null;
                    if (failures++ == 0) {
                        log.warn("verification of {}: reading ids {}..{} failed, retrying until the deadline: {}",
                                options.table(), from, to, Sql.describe(e));
                    }
                    long left = deadline - System.nanoTime();
                    if (left > 0) {
                        LockSupport.parkNanos(Math.min(left, VERIFY_RETRY_PAUSE_NANOS));
                    }
                }
            }
        } finally {
            Sql.closeQuietly(connection);
        }
        List<Long> missing = new ArrayList<>();
        for (long id : acked) {
            if (!present.get(Math.toIntExact(id - low))) {
                missing.add(id);
            }
        }
        long doubtfulFound = 0;
        for (long id : doubtful) {
            if (present.get(Math.toIntExact(id - low))) {
                doubtfulFound++;
            }
        }
        Verification verification = new Verification(acked.length, acked.length - missing.size(), missing, complete,
                doubtful.length, doubtfulFound, Duration.ofNanos(System.nanoTime() - started));
        if (verification.ok()) {
            log.info("{}", verification);
        } else {
            log.error("{}", verification);
        }
        return verification;
    }

    /** Stops the writers and readers and closes their connections; never throws, even on a dead cluster. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        actors.forEach(Actor::stop);
        // a thread may be inside a statement, which ends by itself within the statement timeout
        long deadline = System.nanoTime() + options.statementTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        boolean interrupted = false;
        for (int i = 0; i < threads.size(); i++) {
            Thread thread = threads.get(i);
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (thread.isAlive()) {
                    actors.get(i).abort();
                    thread.join(ABORT_JOIN_MILLIS);
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (thread.isAlive()) {
                log.warn("{} did not stop; left behind as a daemon thread", thread.getName());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        log.info("workload on {} stopped: {}", options.table(), stats.progress());
    }

    private void readRange(Connection connection, long from, long to, long low, BitSet present) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM " + options.table() + " WHERE id >= ? AND id <= ?")) {
            select.setQueryTimeout(sql.queryTimeoutSeconds());
            select.setLong(1, from);
            select.setLong(2, to);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long id = rows.getLong(1);
                    if (id >= low) {
                        present.set(Math.toIntExact(id - low));
                    }
                }
            }
        }
    }

    /** Creates the table if absent and finds the first id not used by an earlier workload on the same table. */
    private static long setUp(Sql sql, WorkloadOptions options) {
        String create = "CREATE TABLE IF NOT EXISTS " + options.table()
                + " (id BIGINT PRIMARY KEY, writer INT, payload VARCHAR)"
                + (options.tableOptions().isEmpty() ? "" : " WITH \"" + options.tableOptions() + "\"");
        long deadline = System.nanoTime() + options.setupTimeout().toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            Connection connection = null;
            try {
                connection = sql.open();
                try (Statement statement = connection.createStatement()) {
                    statement.setQueryTimeout(sql.queryTimeoutSeconds());
                    statement.executeUpdate(create);
                    try (ResultSet max = statement.executeQuery("SELECT MAX(id) FROM " + options.table())) {
                        max.next();
                        long highest = max.getLong(1);
                        return max.wasNull() ? 1 : Math.max(1, highest + 1);
                    }
                }
            } catch (SQLException | RuntimeException | AssertionError e) {
                // the cluster may still be settling (nodes joining, a table being created by another client)
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("could not set up table " + options.table() + " through "
                            + options.jdbcUrl() + " in " + attempts + " attempts: " + Sql.describe(e), e);
                }
                log.info("setting up table {} failed (attempt {}), retrying: {}", options.table(), attempts,
                        Sql.describe(e));
                LockSupport.parkNanos(SETUP_RETRY_PAUSE_NANOS);
            } finally {
                Sql.closeQuietly(connection);
            }
        }
    }

    private static long first(long[] sorted) {
        return sorted.length == 0 ? Long.MAX_VALUE : sorted[0];
    }

    private static long last(long[] sorted) {
        return sorted.length == 0 ? Long.MIN_VALUE : sorted[sorted.length - 1];
    }
}

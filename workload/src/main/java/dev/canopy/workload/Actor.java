package dev.canopy.workload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One paced thread with its own connection: a writer or a reader. After any failure the connection is dropped and a
 * new one opened at the next slot, so that the thin driver picks an address again (a connection stays on the
 * address it first reached). A failed reconnect costs a slot, is not a failed statement, and keeps the actor's error
 * window open.
 */
abstract class Actor implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Actor.class);
    // a dead cluster fails every statement of every actor; one line per actor every few seconds is enough to follow
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    final String name;
    private final StatsRecorder.Kind kind;
    private final Sql sql;
    private final StatsRecorder stats;
    private final int perSecond;
    private volatile boolean stopped;
    private volatile Thread thread;
    // written by the actor's own thread; read by close() only to abort a thread stuck in a statement
    private volatile Connection connection;

    private boolean failing;
    private long failingSince;
    private long lastWarn;
    private long failuresInWindow;
    private long suppressed;

    Actor(String name, StatsRecorder.Kind kind, Sql sql, StatsRecorder stats, int perSecond) {
        this.name = name;
        this.kind = kind;
        this.sql = sql;
        this.stats = stats;
        this.perSecond = perSecond;
    }

    /** Prepares this actor's statements on a freshly opened connection. */
    abstract void prepare(Connection connection) throws SQLException;

    /**
     * Runs one statement and reports it through {@link #succeeded} or {@link #failed}, or does nothing. Whatever
     * the statement throws is a failure of that statement, including the driver's own AssertionErrors (the driver
     * asserts on its connection state, and tests run with -ea): one bad statement must not silence a thread.
     */
    abstract void step();

    final Thread start() {
        Thread t = new Thread(this, "workload-" + name);
        t.setDaemon(true);
        thread = t;
        t.start();
        return t;
    }

    @Override
    public final void run() {
        Pacer pacer = new Pacer(perSecond, System.nanoTime());
        try {
            while (awaitSlot(pacer)) {
                if (connection == null && !connect()) {
                    continue;
                }
                step();
            }
        } catch (RuntimeException | Error e) {
            // step() catches what statements throw, so this is a bug; say so loudly rather than go quiet
            log.error("{} stopped by an unexpected failure", name, e);
            throw e;
        } finally {
            disconnect();
        }
    }

    final void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** For close(), when the thread is stuck in a statement past its timeout: closing under it makes it fail. */
    final void abort() {
        Sql.closeQuietly(connection);
    }

    final void succeeded(long startNanos, StatsRecorder.Outcome outcome) {
        long end = System.nanoTime();
        stats.record(name, kind, startNanos, end, outcome);
        if (failing) {
            log.info("{} recovered: {} failed statements over {} ms", name, failuresInWindow,
                    TimeUnit.NANOSECONDS.toMillis(end - failingSince));
            failing = false;
        }
    }

    final void failed(long startNanos, String what, Throwable e) {
        long end = System.nanoTime();
        stats.record(name, kind, startNanos, end, StatsRecorder.Outcome.FAILED);
        warn(end, what, e);
        failuresInWindow++;
        disconnect();
    }

    private boolean connect() {
        try {
            Connection opened = sql.open();
            connection = opened;
            prepare(opened);
            return true;
        } catch (SQLException | RuntimeException | AssertionError e) {
            long now = System.nanoTime();
            stats.connectFailed(name, now);
            warn(now, "connecting", e);
            disconnect();
            return false;
        }
    }

    private void disconnect() {
        Connection c = connection;
        connection = null;
        Sql.closeQuietly(c);
    }

    private void warn(long now, String what, Throwable e) {
        if (!failing) {
            failing = true;
            failingSince = now;
            failuresInWindow = 0;
            lastWarn = now;
            suppressed = 0;
            log.warn("{}: {} failed, an error window opens: {}", name, what, Sql.describe(e));
        } else if (now - lastWarn >= WARN_EVERY_NANOS) {
            log.warn("{}: still failing ({} similar lines suppressed); {} failed: {}", name, suppressed, what,
                    Sql.describe(e));
            lastWarn = now;
            suppressed = 0;
        } else {
            suppressed++;
        }
    }

    /** Parks until the next slot; false once stopped. */
    private boolean awaitSlot(Pacer pacer) {
        long deadline = System.nanoTime() + pacer.takeSlot(System.nanoTime());
        while (!stopped) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            LockSupport.parkNanos(this, left);
        }
        return false;
    }
}

package dev.canopy.workload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Reads back random acknowledged ids: a missing or altered row is a lost write, found while the load runs. */
final class Reader extends Actor {
    private static final Logger log = LoggerFactory.getLogger(Reader.class);
    private static final long LOST_LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String selectSql;
    private final int queryTimeoutSeconds;
    private final AckedIds acknowledged;
    private final SplittableRandom random;
    private PreparedStatement select;
    private long lastLostLog = System.nanoTime() - LOST_LOG_EVERY_NANOS;
    private long lostNotLogged;

    Reader(int index, String table, Sql sql, StatsRecorder stats, int perSecond, AckedIds acknowledged) {
        super("reader-" + index, StatsRecorder.Kind.READ, sql, stats, perSecond);
        this.selectSql = "SELECT payload FROM " + table + " WHERE id = ?";
        this.queryTimeoutSeconds = sql.queryTimeoutSeconds();
        this.acknowledged = acknowledged;
        this.random = new SplittableRandom(index * 7919L + System.nanoTime());
    }

    @Override
    void prepare(Connection connection) throws SQLException {
        select = connection.prepareStatement(selectSql);
        select.setQueryTimeout(queryTimeoutSeconds);
    }

    @Override
    void step() {
        long id = acknowledged.random(random);
        if (id < 0) {
            return; // nothing acknowledged yet: nothing to check
        }
        long start = System.nanoTime();
        try {
            select.setLong(1, id);
            String payload;
            try (ResultSet rows = select.executeQuery()) {
                payload = rows.next() ? rows.getString(1) : null;
            }
            if (Writer.payload(id).equals(payload)) {
                succeeded(start, StatsRecorder.Outcome.OK);
            } else {
                succeeded(start, StatsRecorder.Outcome.LOST);
                logLost(id, payload);
            }
        } catch (SQLException | RuntimeException | AssertionError e) {
            failed(start, "select of id " + id, e);
        }
    }

    private void logLost(long id, String payload) {
        long now = System.nanoTime();
        if (now - lastLostLog >= LOST_LOG_EVERY_NANOS) {
            log.error("{}: LOST WRITE: acknowledged id {} reads back as {} ({} more lost reads not logged)", name, id,
                    payload == null ? "no row" : "'" + payload + "'", lostNotLogged);
            lastLostLog = now;
            lostNotLogged = 0;
        } else {
            lostNotLogged++;
        }
    }
}

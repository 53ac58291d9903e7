package dev.canopy.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Inserts ids {@code first, first + stride, first + 2 * stride, ...}: writers never share an id, and a failed id is
 * never tried again, since it may have committed and a retry would then fail on the duplicate for a reason that has
 * nothing to do with the cluster's health.
 */
final class Writer extends Actor {
    private final int index;
    private final String insertSql;
    private final int queryTimeoutSeconds;
    private final AckedIds acknowledged;
    private final AckedIds inDoubt;
    private final int stride;
    private long nextId;
    private PreparedStatement insert;

    Writer(int index, int stride, long firstId, String table, Sql sql, StatsRecorder stats, int perSecond,
           AckedIds acknowledged, AckedIds inDoubt) {
        super("writer-" + index, StatsRecorder.Kind.WRITE, sql, stats, perSecond);
        this.index = index;
        this.stride = stride;
        this.nextId = firstId;
        this.insertSql = "INSERT INTO " + table + " (id, writer, payload) VALUES (?, ?, ?)";
        this.queryTimeoutSeconds = sql.queryTimeoutSeconds();
        this.acknowledged = acknowledged;
        this.inDoubt = inDoubt;
    }

    /** What the row of an id holds: readers check it, so a row that exists with other content is caught too. */
    static String payload(long id) {
        return "canopy-workload-" + id;
    }

    @Override
    void prepare(Connection connection) throws SQLException {
        insert = connection.prepareStatement(insertSql);
        insert.setQueryTimeout(queryTimeoutSeconds);
    }

    @Override
    void step() {
        long id = nextId;
        nextId += stride;
        long start = System.nanoTime();
        try {
            insert.setLong(1, id);
            insert.setInt(2, index);
            insert.setString(3, payload(id));
            int rows = insert.executeUpdate();
            if (rows == 1) {
                // only now is the write acknowledged: the driver returned its count without an exception
                acknowledged.add(id);
                succeeded(start, StatsRecorder.Outcome.OK);
            } else {
                inDoubt.add(id);
                failed(start, "insert of id " + id, new SQLException("insert reported " + rows + " rows"));
            }
        } catch (SQLException | RuntimeException | AssertionError e) {
            inDoubt.add(id);
            failed(start, "insert of id " + id, e);
        }
    }
}

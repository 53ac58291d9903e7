package dev.canopy.controlplane.sql;

import dev.canopy.controlplane.auth.Principal;
import dev.canopy.controlplane.problem.FieldProblem;
import dev.canopy.controlplane.problem.ProblemException;
import dev.canopy.core.Causes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * Runs one statement on a cluster for the API's SQL route, the way {@code canopy sql NAME} does: through the JDBC URL
 * of the cluster's status (which names the trust store of its TLS) with the platform's login, or with the database user
 * and password the caller gave. A result set is read up to the row limit, a statement cancelled at the time limit.
 * Neither the statement's text nor a password is logged: a statement may hold one ({@code CREATE USER ... WITH PASSWORD}).
 */
public final class SqlConsole {
    private static final Logger LOG = LoggerFactory.getLogger(SqlConsole.class);
    private static final String IGNITE_THIN = "jdbc:ignite:thin://";
    /** Ignite's {@code ConnectionPropertiesImpl.PROP_PREFIX}: the driver reads other properties than the login under it. */
    private static final String IGNITE_PREFIX = "ignite.jdbc.";
    /** The largest whole number a JSON reader (a browser's) holds exactly. */
    private static final long EXACT_IN_JSON = 1L << 53;
    private static final int MAX_BINARY_BYTES = 1024;
    /** How much longer than the statement's time limit a read of the cluster's answer may wait. */
    private static final int SOCKET_GRACE_SECONDS = 10;

    /**
     * A statement may change data and runs with the platform's login: a viewer key, which may only read the platform's
     * resources, is refused.
     */
    public static void requireMayRun(Principal who) {
        if (!who.role().mayChangeClusters()) {
            throw ProblemException.forbidden("key " + who.keyId() + " is a " + who.role() + " key: running SQL on a cluster "
                    + "needs a member or admin key, since a statement may change data");
        }
    }

    /** Refuses a request at fault, naming every field; the request otherwise. */
    public static SqlRequest validated(SqlRequest request) {
        List<FieldProblem> problems = request.problems();
        if (!problems.isEmpty()) {
            throw ProblemException.invalid(problems);
        }
        return request;
    }

    public SqlResult run(Principal who, SqlTarget target, SqlRequest request) {
        if (target.unavailable() != null) {
            throw ProblemException.conflict("cluster " + target.cluster() + " takes no SQL yet: " + target.unavailable());
        }
        String as = request.user() != null ? request.user() : target.platformLogin().getProperty("user");
        long started = System.nanoTime();
        long deadline = started + request.timeLimitSeconds() * 1_000_000_000L;
        try (Connection connection = DriverManager.getConnection(target.jdbcUrl(), properties(target, request));
             Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(request.timeLimitSeconds());
            // one row more than answered, to tell that there were more
            statement.setMaxRows(request.rowLimit() + 1);
            statement.setFetchSize(Math.min(request.rowLimit() + 1, 1000));
            SqlResult result;
            if (statement.execute(request.sql())) {
                try (ResultSet rs = statement.getResultSet()) {
                    result = read(as, rs, request.rowLimit(), deadline, started, request.timeLimitSeconds());
                }
            } else {
                result = new SqlResult(as, null, null, null, null, (long) statement.getUpdateCount(), millisSince(started));
            }
            LOG.info("{}: SQL statement ({} characters) on cluster {} by key {} as {}: {} in {} ms", who.organization(),
                    request.sql().length(), target.cluster(), who.keyId(), as == null ? "(no login)" : as,
                    result.updateCount() != null ? result.updateCount() + " row(s) changed" : result.rowCount() + " row(s)",
                    result.elapsedMillis());
            return result;
        } catch (SQLException e) {
            ProblemException problem = problem(target, request, as, e, System.nanoTime() > deadline);
            LOG.info("{}: SQL statement ({} characters) on cluster {} by key {} as {} refused: {} {}", who.organization(),
                    request.sql().length(), target.cluster(), who.keyId(), as == null ? "(no login)" : as, problem.status(),
                    problem.title());
            throw problem;
        }
    }

    private static Properties properties(SqlTarget target, SqlRequest request) {
        Properties properties = new Properties();
        if (request.user() != null) {
            properties.setProperty("user", request.user());
            properties.setProperty("password", request.password());
        } else {
            properties.putAll(target.platformLogin());
        }
        if (target.jdbcUrl().startsWith(IGNITE_THIN)) {
            // the driver's own (DriverManager's login timeout would be set for every driver of the process). It bounds
            // every read of the socket too, so it must outlast the statement's time limit: the engine cancels the
            // statement at that limit and answers so, rather than the read giving up with no reason
            properties.setProperty(IGNITE_PREFIX + "connectionTimeout",
                    Long.toString((request.timeLimitSeconds() + SOCKET_GRACE_SECONDS) * 1000L));
        }
        return properties;
    }

    private static SqlResult read(String as, ResultSet rs, int limit, long deadline, long started, int timeLimit) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<SqlResult.Column> columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(new SqlResult.Column(meta.getColumnLabel(i), meta.getColumnTypeName(i)));
        }
        List<List<Object>> rows = new ArrayList<>();
        boolean more = false;
        while (rs.next()) {
            if (rows.size() == limit) {
                more = true;
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new SQLTimeoutException("reading the result took longer than " + timeLimit + " s");
            }
            List<Object> row = new ArrayList<>(columns.size());
            for (int i = 1; i <= columns.size(); i++) {
                row.add(jsonValue(rs.getObject(i)));
            }
            rows.add(row);
        }
        return new SqlResult(as, columns, rows, rows.size(), more, null, millisSince(started));
    }

    /**
     * A value as JSON holds it for a browser: numbers it holds exactly as numbers, a larger whole number or a decimal as
     * its digits in a string, a date or time in ISO 8601, binary as hex (its first kilobyte), anything else as its text.
     */
    static Object jsonValue(Object value) {
        return switch (value) {
            case null -> null;
            case Boolean b -> b;
            case Integer i -> i;
            case Short s -> s;
            case Byte b -> b;
            case Long l -> Math.abs(l) <= EXACT_IN_JSON ? l : l.toString();
            case BigInteger b -> b.abs().compareTo(BigInteger.valueOf(EXACT_IN_JSON)) <= 0 ? b.longValue() : b.toString();
            case BigDecimal d -> d.toPlainString();
            case Double d -> d.isNaN() || d.isInfinite() ? d.toString() : d;
            case Float f -> f.isNaN() || f.isInfinite() ? f.toString() : f;
            case java.sql.Timestamp t -> t.toLocalDateTime().toString();
            case java.sql.Date d -> d.toLocalDate().toString();
            case java.sql.Time t -> t.toLocalTime().toString();
            case byte[] bytes -> "0x" + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, MAX_BINARY_BYTES))
                    + (bytes.length > MAX_BINARY_BYTES ? "… (" + bytes.length + " bytes)" : "");
            default -> value.toString();
        };
    }

    /** The engine's refusal as the API answers it: the cause in one line, never the password. */
    private static ProblemException problem(SqlTarget target, SqlRequest request, String as, SQLException e, boolean pastDeadline) {
        String cause = oneLine(Causes.rootMessage(e));
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // a connection given up on after the time limit is the statement's time running out, not the cluster gone
        if (e instanceof SQLTimeoutException || state.equals("57014") || (pastDeadline && state.startsWith("08"))) {
            return new ProblemException(504, "Statement timed out", "the statement ran over its time limit of "
                    + request.timeLimitSeconds() + " s and was cancelled (" + cause + "); timeoutSeconds may be up to "
                    + SqlRequest.MAX_TIMEOUT_SECONDS, List.of(new FieldProblem("timeoutSeconds", "the statement ran over "
                    + request.timeLimitSeconds() + " s")));
        }
        if (cause.contains("user name or password is incorrect") || state.startsWith("28")) {
            if (request.user() == null) {
                // the platform's own login refused: the platform's fault, not the caller's
                return new ProblemException(502, "Cluster refused the platform's login", "cluster " + target.cluster()
                        + " refused the platform's login" + (as == null ? "" : " " + as) + ": " + cause, List.of());
            }
            return new ProblemException(422, "Login refused", "cluster " + target.cluster() + " refused the login of user "
                    + request.user() + ": " + cause, List.of(new FieldProblem("password", "the cluster refused user "
                    + request.user() + " with this password")));
        }
        if (state.startsWith("08")) {
            return new ProblemException(502, "Cluster unreachable", "cannot reach cluster " + target.cluster()
                    + "'s aggregators: " + cause, List.of());
        }
        return new ProblemException(422, "Statement failed", cause, List.of(new FieldProblem("sql", cause)));
    }

    /** A message of several lines (Ignite's parser adds the statement, a stack trace may follow) as its first line. */
    static String oneLine(String message) {
        String line = message.strip().lines().findFirst().orElse(message).strip();
        return line.replaceAll("\\s+", " ");
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}

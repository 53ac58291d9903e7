package dev.canopy.controlplane.sql;

import dev.canopy.controlplane.problem.FieldProblem;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code POST /clusters/{name}/sql}: one statement, how many rows of its result to answer at most and how long it may
 * run. Without {@code user} it runs as the platform's login to the cluster (its admin secret); with one, as that
 * database user, logged in with the password given here (the platform keeps no user's password). Never printed with
 * the password: {@link #toString} leaves it out.
 */
public record SqlRequest(String sql, Integer maxRows, Integer timeoutSeconds, String user, String password) {
    public static final int DEFAULT_MAX_ROWS = 1000;
    public static final int MAX_ROWS = 10_000;
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;
    public static final int MAX_TIMEOUT_SECONDS = 300;
    static final int MAX_SQL_CHARS = 100_000;
    static final int MAX_USER_CHARS = 128;
    /** The engine's comments, which it reads as spaces: a comment between ALTER and USER still makes ALTER USER. */
    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|--[^\\n]*", Pattern.DOTALL);
    private static final Pattern USER_MANAGEMENT = Pattern.compile("\\b(CREATE|ALTER|DROP)\\s+USER\\b",
            Pattern.CASE_INSENSITIVE);

    /** Every field at fault, each with its reason; empty for a request that may run. */
    public List<FieldProblem> problems() {
        List<FieldProblem> problems = new ArrayList<>();
        if (sql == null || sql.isBlank()) {
            problems.add(new FieldProblem("sql", "is required: the statement to run"));
        } else if (sql.length() > MAX_SQL_CHARS) {
            problems.add(new FieldProblem("sql", "must be at most " + MAX_SQL_CHARS + " characters, got " + sql.length()));
        }
        if (maxRows != null && (maxRows < 1 || maxRows > MAX_ROWS)) {
            problems.add(new FieldProblem("maxRows", "must be 1 to " + MAX_ROWS + ", got " + maxRows));
        }
        if (timeoutSeconds != null && (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS)) {
            problems.add(new FieldProblem("timeoutSeconds", "must be 1 to " + MAX_TIMEOUT_SECONDS + ", got " + timeoutSeconds));
        }
        if (user != null && (user.isBlank() || user.length() > MAX_USER_CHARS)) {
            problems.add(new FieldProblem("user", "must be 1 to " + MAX_USER_CHARS + " characters; leave it out to run as the platform's login"));
        }
        if (user != null && (password == null || password.isEmpty())) {
            problems.add(new FieldProblem("password", "is required with user: the platform keeps no user's password"));
        }
        if (user == null && sql != null && managesUsers(sql)) {
            // run as the platform's login, the engine's superuser, it would change the login the platform itself works
            // with, or users the users API does not know of
            problems.add(new FieldProblem("sql", "manages database users, which the platform's login may not do for a "
                    + "statement of yours: use the cluster's users (POST, DELETE /clusters/{name}/users, POST "
                    + "/clusters/{name}/users/{user}/password)"));
        }
        if (user == null && password != null) {
            problems.add(new FieldProblem("user", "is required with password: whose password it is"));
        }
        return problems;
    }

    /** Whether any statement of the text creates, alters or drops a user (comments left out; string contents not). */
    static boolean managesUsers(String sql) {
        return USER_MANAGEMENT.matcher(COMMENTS.matcher(sql).replaceAll(" ")).find();
    }

    public int rowLimit() {
        return maxRows == null ? DEFAULT_MAX_ROWS : maxRows;
    }

    public int timeLimitSeconds() {
        return timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds;
    }

    @Override
    public String toString() {
        return "SqlRequest[" + (sql == null ? 0 : sql.length()) + " characters, maxRows=" + maxRows + ", timeoutSeconds="
                + timeoutSeconds + ", user=" + user + "]";
    }
}

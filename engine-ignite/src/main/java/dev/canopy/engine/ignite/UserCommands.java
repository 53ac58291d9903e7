package dev.canopy.engine.ignite;

import dev.canopy.core.Topology;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The engine's user commands ({@code CREATE USER}, {@code ALTER USER}, {@code DROP USER}), through the JDBC thin driver:
 * the thin client's SQL API hands them to H2's parser, which does not know them. Run on the leaves, whose query
 * history the platform's telemetry does not read, and never with the platform's statement comment, which Ignite's own
 * parser does not take before them. A refused command's message is the engine's, which names the user, not the
 * password; the statement's text (with it) is never put in an exception or a log line here.
 */
final class UserCommands {
    private UserCommands() {
    }

    static void setPassword(List<String> leafAddresses, Credentials login, String user, String password) throws SQLException {
        run(leafAddresses, login, "ALTER USER " + quoted(user) + " WITH PASSWORD " + literal(password));
    }

    static void create(List<String> leafAddresses, Credentials login, String user, String password) throws SQLException {
        run(leafAddresses, login, "CREATE USER " + quoted(user) + " WITH PASSWORD " + literal(password));
    }

    static void drop(List<String> leafAddresses, Credentials login, String user) throws SQLException {
        run(leafAddresses, login, "DROP USER " + quoted(user));
    }

    private static void run(List<String> leafAddresses, Credentials login, String statement) throws SQLException {
        try (Connection sql = DriverManager.getConnection(Topology.jdbcUrl(leafAddresses), login.jdbcProperties());
             Statement st = sql.createStatement()) {
            st.executeUpdate(statement);
        }
    }

    static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}

package dev.canopy.controlplane.store;

import dev.canopy.controlplane.secrets.SecretBox;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two databases the store runs on, each test given an empty one: H2 in a fresh file, or a fresh database in one
 * embedded PostgreSQL server started once for the test JVM (starting one takes a few seconds).
 */
public enum TestDatabases {
    H2, POSTGRESQL;

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    /** An empty, migrated store. */
    public ControlPlaneStore open() {
        return fresh().open();
    }

    /** An empty database, to open as a store and to look into beside it. */
    public Fresh fresh() {
        return switch (this) {
            case H2 -> new Fresh(this, ControlPlaneStore.defaultUrl(tempDir()), null);
            case POSTGRESQL -> new Fresh(this, freshPostgresDatabase(), "postgres");
        };
    }

    public record Fresh(TestDatabases database, String url, String user, SecretBox secrets) {
        public Fresh(TestDatabases database, String url, String user) {
            this(database, url, user, SecretBox.generate("the test's key"));
        }

        /** The store, its secrets sealed with this database's key (the same on every open). */
        public ControlPlaneStore open() {
            return open(secrets);
        }

        public ControlPlaneStore open(SecretBox key) {
            return ControlPlaneStore.open(url, user, null, key);
        }

        /** Whether another session is in the middle of a statement that starts with the text, e.g. waiting for a lock. */
        public boolean executing(String statementStart) {
            String sql = switch (database) {
                case H2 -> "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE TRIM(EXECUTING_STATEMENT) LIKE ?";
                case POSTGRESQL -> "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND TRIM(query) LIKE ?";
            };
            try (Connection connection = user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, "");
                 PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, statementStart + "%");
                try (ResultSet count = statement.executeQuery()) {
                    return count.next() && count.getLong(1) > 0;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("canopy-store-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized String freshPostgresDatabase() {
        try {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().start();
                EmbeddedPostgres started = postgres;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException ignored) {
                        // the JVM is going away; the server's directory is temporary
                    }
                }));
            }
            String name = "canopy_test_" + COUNTER.incrementAndGet();
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            }
            return postgres.getJdbcUrl("postgres", name);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}

package dev.canopy.controlplane.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
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
        return switch (this) {
            case H2 -> ControlPlaneStore.open(ControlPlaneStore.defaultUrl(tempDir()), null, null);
            case POSTGRESQL -> ControlPlaneStore.open(freshPostgresDatabase(), "postgres", null);
        };
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

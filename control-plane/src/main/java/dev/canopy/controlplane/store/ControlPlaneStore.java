package dev.canopy.controlplane.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The control plane's database: H2 in a file under the data directory by default, PostgreSQL when given a
 * {@code jdbc:postgresql:} URL; migrated by Flyway with the same scripts for both on every start.
 */
public final class ControlPlaneStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneStore.class);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private ControlPlaneStore(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** The default database: an H2 file under the data directory. */
    public static String defaultUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("control-plane").resolve("canopy");
    }

    /** Opens the database and brings its schema up to date; user and password may be null (or in the URL). */
    public static ControlPlaneStore open(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(8);
        config.setPoolName("canopy-control-plane");
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            var result = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            LOG.info("control-plane database {}: schema at version {} ({} migrations applied now)",
                    redact(url), result.targetSchemaVersion, result.migrationsExecuted);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new ControlPlaneStore(dataSource);
    }

    /** Runs the work in one transaction: everything it wrote is rolled back if it throws. */
    public <T> T transaction(Function<StoreTransaction, T> work) {
        return jdbi.inTransaction(handle -> work.apply(new StoreTransaction(handle)));
    }

    /** Reads outside an explicit transaction. */
    public <T> T read(Function<StoreTransaction, T> work) {
        return jdbi.withHandle(handle -> work.apply(new StoreTransaction(handle)));
    }

    /** The URL without its query string, which may hold a password. */
    static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?...";
    }

    @Override
    public void close() {
        dataSource.close();
    }
}

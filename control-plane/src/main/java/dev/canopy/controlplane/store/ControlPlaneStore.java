package dev.canopy.controlplane.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.canopy.controlplane.secrets.SecretBox;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Set;
import java.util.function.Function;

/**
 * The control plane's database: H2 in a file under the data directory by default, PostgreSQL when given a
 * {@code jdbc:postgresql:} URL; migrated by Flyway with the same scripts for both on every start.
 */
public final class ControlPlaneStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneStore.class);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final SecretBox secrets;

    private ControlPlaneStore(HikariDataSource dataSource, SecretBox secrets) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.secrets = secrets;
    }

    /**
     * The default database's settings, applied to every connection. WRITE_DELAY=0: H2 acknowledges a commit before
     * writing it (by default it writes every 500 ms), and a create answered 201 was lost with the process killed right
     * after; with 0, each commit is written to the file before it returns (H2 does not fsync a commit: it survives the
     * death of the process, not of the machine). LOCK_TIMEOUT: a change holds its cluster's row while the region takes
     * the spec (a Kubernetes region makes a few calls, each allowed 10 s), and a concurrent change of that cluster waits
     * for it, as in PostgreSQL; H2's default of 2 s would turn a slow region into errors. DB_CLOSE_ON_EXIT=FALSE: H2's
     * own shutdown hook closed the database while the platform's hook was still stopping the control plane (a warning
     * and failed writes at every Ctrl-C); the platform closes the store itself, last.
     */
    private static final String H2_SETTINGS = ";WRITE_DELAY=0;LOCK_TIMEOUT=60000;DB_CLOSE_ON_EXIT=FALSE";
    /** H2: lock timeout, deadlock; PostgreSQL: serialization failure, deadlock, lock not available. */
    private static final Set<String> WAITED_IN_VAIN = Set.of("HYT00", "40001", "40P01", "55P03");

    /**
     * The pool's series (hikaricp_connections_active, _pending, _timeout_total, _acquire_seconds): a store that
     * cannot hand out connections shows there before the API slows down. Once per store, as Hikari allows.
     */
    public void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        dataSource.setMetricsTrackerFactory(new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(registry));
    }

    /** The default database: an H2 file under the data directory. */
    public static String defaultUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("control-plane").resolve("canopy") + H2_SETTINGS;
    }

    /**
     * Opens the database and brings its schema up to date; user and password may be null (or in the URL). The secrets
     * it keeps are sealed with {@code secrets}; any stored in clear by an earlier version are sealed now, and a key
     * that does not open the stored ones is refused here, at start, rather than at a region's first use.
     */
    public static ControlPlaneStore open(String url, String user, String password, SecretBox secrets) {
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
        ControlPlaneStore store = new ControlPlaneStore(dataSource, secrets);
        try {
            int sealed = store.transaction(StoreTransaction::sealSecretsInClear);
            if (sealed > 0) {
                LOG.info("sealed {} secret(s) stored in clear by an earlier version", sealed);
            }
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return store;
    }

    /**
     * Runs the work in one transaction: everything it wrote is rolled back if it throws.
     *
     * @throws BusyException when the database gave up waiting for another transaction's rows
     */
    public <T> T transaction(Function<StoreTransaction, T> work) {
        try {
            return jdbi.inTransaction(handle -> work.apply(new StoreTransaction(handle, secrets)));
        } catch (JdbiException e) {
            if (waitedInVain(e)) {
                throw new BusyException("the control plane's database ended a transaction that waited for another: "
                        + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** Lock timeouts and deadlocks, in H2's and PostgreSQL's SQL states. */
    private static boolean waitedInVain(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && WAITED_IN_VAIN.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Reads outside an explicit transaction. */
    public <T> T read(Function<StoreTransaction, T> work) {
        return jdbi.withHandle(handle -> work.apply(new StoreTransaction(handle, secrets)));
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

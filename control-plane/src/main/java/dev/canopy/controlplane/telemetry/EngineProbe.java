package dev.canopy.controlplane.telemetry;

/** Asks a cluster's engine for its nodes, tables and query count, through the cluster's JDBC URL. */
@FunctionalInterface
public interface EngineProbe {
    EngineReading read(String jdbcUrl) throws Exception;

    /** Logging in with {@code login} (the JDBC thin driver's user and password properties; none: no login). */
    default EngineReading read(String jdbcUrl, java.util.Properties login) throws Exception {
        return read(jdbcUrl);
    }
}

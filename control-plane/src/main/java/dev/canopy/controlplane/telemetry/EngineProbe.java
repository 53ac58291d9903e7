package dev.canopy.controlplane.telemetry;

/** Asks a cluster's engine for its nodes, tables and query count, through the cluster's JDBC URL. */
@FunctionalInterface
public interface EngineProbe {
    EngineReading read(String jdbcUrl) throws Exception;
}

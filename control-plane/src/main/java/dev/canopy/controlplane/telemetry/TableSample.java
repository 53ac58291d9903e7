package dev.canopy.controlplane.telemetry;

/** One SQL table as Ignite's {@code SYS.TABLES} lists it. */
public record TableSample(String schema, String name, String cacheName) {
}

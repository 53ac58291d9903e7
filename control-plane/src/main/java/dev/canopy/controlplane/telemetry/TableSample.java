package dev.canopy.controlplane.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One SQL table as Ignite's {@code SYS.TABLES} lists it, with its rows (its cache's primary entries) and the bytes its
 * partition files take on the leaves' disks, every copy counted (each leaf's {@code cacheGroups.<group>.StorageSize}
 * metric), when known.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableSample(String schema, String name, String cacheName, String cacheGroup, Long rows, Long bytes) {
}

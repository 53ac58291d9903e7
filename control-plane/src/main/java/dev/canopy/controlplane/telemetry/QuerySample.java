package dev.canopy.controlplane.telemetry;

/**
 * One statement as the aggregators' query history ({@code SYS.SQL_QUERIES_HISTORY}) keeps it, added up over the
 * aggregators: how often it ran and failed, and its fastest and slowest run. Ignite 2.17 keeps no latency histogram, so
 * these extremes are the latency it records.
 */
public record QuerySample(String sql, long executions, long failures, long minMillis, long maxMillis) {
}

package dev.canopy.workload;

/** Running totals since the workload started, for waiting on progress (e.g. "at least 200 writes acknowledged"). */
public record Progress(long writesOk, long writesFailed, long readsOk, long readsFailed, long readsLost) {
}

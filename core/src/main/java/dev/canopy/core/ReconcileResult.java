package dev.canopy.core;

import dev.canopy.api.DatabaseClusterStatus;

import java.time.Duration;

/** What one reconcile pass did, the status it computed, and when the next pass should run. */
public record ReconcileResult(Step step, DatabaseClusterStatus status, Duration requeueAfter) {
}

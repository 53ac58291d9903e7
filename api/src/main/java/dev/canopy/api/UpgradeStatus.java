package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The last (or current) upgrade: a rolling restart when the engine version stays, a coordinated restart when it
 * changes. {@code offlineSeconds} is how long SQL was unavailable, measured by the reconciler from stopping the first
 * node to the first SQL answer (to within one reconcile pass); a rolling restart keeps the cluster online (0).
 * Times are ISO-8601 instants.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpgradeStatus(
        String fromRelease,
        String toRelease,
        String strategy,
        String startedAt,
        String finishedAt,
        Integer nodesToRestart,
        Integer nodesRestarted,
        Double offlineSeconds) {

    public static final String ROLLING_RESTART = "RollingRestart";
    public static final String COORDINATED_RESTART = "CoordinatedRestart";

    public boolean inProgress() {
        return finishedAt == null;
    }
}

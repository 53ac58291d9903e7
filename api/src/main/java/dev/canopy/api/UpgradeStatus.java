package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The last (or current) upgrade: a rolling restart when the engine version stays, a coordinated restart when it
 * changes. {@code offlineSeconds} is how long SQL was unavailable, measured by the reconciler from stopping the first
 * node to the first SQL answer (to within one reconcile pass); a rolling restart keeps the cluster online (0).
 * A blue/green upgrade names its current {@code step} (CapturingChanges, ProvisioningGreen, Copying, Streaming, Fenced,
 * SwitchingClients, RetiringBlue, Done, or Abandoned) and, once the clients moved, {@code writePauseSeconds}: from
 * fencing blue to green's aggregators serving SQL on the cluster's endpoint (reads go on until blue's aggregators stop).
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
        Double offlineSeconds,
        String step,
        Double writePauseSeconds) {

    public static final String ROLLING_RESTART = "RollingRestart";
    public static final String COORDINATED_RESTART = "CoordinatedRestart";
    public static final String BLUE_GREEN = "BlueGreen";

    /** A rolling or coordinated restart: no blue/green step, no write pause of its own. */
    public UpgradeStatus(String fromRelease, String toRelease, String strategy, String startedAt, String finishedAt,
                         Integer nodesToRestart, Integer nodesRestarted, Double offlineSeconds) {
        this(fromRelease, toRelease, strategy, startedAt, finishedAt, nodesToRestart, nodesRestarted, offlineSeconds, null, null);
    }

    public boolean inProgress() {
        return finishedAt == null;
    }
}

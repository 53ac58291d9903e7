package dev.canopy.controlplane.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.backup.BackupStatus;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What a cluster's status says beyond its node counts, kept in each sample so that the alert rules can ask for it: each
 * is null when the status does not say (no such condition yet, no rebalance under way, no backup finished yet), and a
 * null gives no series rather than a made-up value.
 *
 * @param redundancyMet           the RedundancyMet condition: every partition has the copies the spec asks for
 * @param copiesNotOwning         partition copies not yet owned by the rebalance under way; 0 when none runs
 * @param rebalanceUnchangedSince since when {@code copiesNotOwning} has stayed the same (a rebalance under way only)
 * @param backupSucceeded         whether the cluster's last finished backup succeeded
 * @param backupFinishedAt        when the cluster's last backup finished, whatever its outcome
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatusFacts(Boolean redundancyMet, Integer copiesNotOwning, Instant rebalanceUnchangedSince,
                          Boolean backupSucceeded, Instant backupFinishedAt) {
    static final StatusFacts NONE = new StatusFacts(null, null, null, null, null);

    static StatusFacts of(DatabaseClusterStatus status) {
        if (status == null) {
            return NONE;
        }
        Boolean redundancy = status.condition(Condition.REDUNDANCY_MET).map(Condition::isTrue).orElse(null);
        Integer notOwning = status.rebalance() == null ? (status.phase() == null ? null : 0) : status.rebalance().copiesNotOwning();
        Instant unchangedSince = status.rebalance() == null ? null : instant(status.rebalance().unchangedSince());
        var backup = status.condition(BackupStatus.BACKUP);
        return new StatusFacts(redundancy, notOwning, unchangedSince,
                backup.map(Condition::isTrue).orElse(null),
                backup.map(c -> instant(c.lastTransitionTime())).orElse(null));
    }

    /** A time the status could not be read by is left out: an alert on it would fire, or keep quiet, for nothing. */
    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

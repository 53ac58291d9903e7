package dev.canopy.backup;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.core.StatusBuilder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The status the reconciler built, with what the region's backups add to it: a cluster being restored is not Ready
 * until its rows are checked, a failed restore fails the cluster, and the last backup's outcome is the {@code Backup}
 * condition. Pure.
 */
public final class BackupStatus {
    public static final String BACKUP = "Backup";

    private BackupStatus() {
    }

    public static DatabaseClusterStatus adjust(DatabaseClusterStatus raw, DatabaseClusterStatus previous, Optional<RestoreState> restore,
                                               Optional<BackupRecord> lastBackup, Instant now) {
        if (raw == null) {
            return null;
        }
        List<Condition> conditions = new ArrayList<>(raw.conditions());
        Phase phase = raw.phase();
        if (restore.isPresent()) {
            RestoreState state = restore.get();
            String backup = state.source().backup();
            switch (state.stage()) {
                case Pending, Restoring -> {
                    if (phase == Phase.Ready) {
                        phase = Phase.Provisioning;
                        String message = state.stage() == RestoreState.Stage.Pending
                                ? "nodes up; restoring backup " + backup + " next"
                                : "restoring backup " + backup + ", then checking its rows per table";
                        put(conditions, StatusBuilder.condition(previous, Condition.READY, false, "Restoring", message, now));
                        put(conditions, StatusBuilder.condition(previous, Condition.PROGRESSING, true, "Restoring", message, now));
                    }
                }
                case Failed -> {
                    phase = Phase.Failed;
                    String message = "restoring backup " + backup + " failed: " + state.reason();
                    put(conditions, StatusBuilder.condition(previous, Condition.READY, false, "RestoreFailed", message, now));
                    put(conditions, StatusBuilder.condition(previous, Condition.PROGRESSING, false, "RestoreFailed", message, now));
                }
                case Restored -> { }
            }
        }
        lastBackup.filter(b -> b.state() != BackupState.InProgress).ifPresent(b -> put(conditions, new Condition(BACKUP,
                b.isGood() ? Condition.TRUE : Condition.FALSE,
                b.isGood() ? "Succeeded" : "BackupFailed",
                b.isGood() ? "backup " + b.id() + ": " + b.sizeBytes() + " bytes in " + b.durationMs() + " ms to " + b.destination()
                        : "backup " + b.id() + " failed: " + b.reason(),
                b.finishedAt().toString())));
        return new DatabaseClusterStatus(phase, conditions, raw.observedGeneration(), raw.aggregators(), raw.leaves(), raw.release(),
                raw.endpoints(), raw.upgrade(), raw.rebalance(), raw.replication());
    }

    private static void put(List<Condition> conditions, Condition condition) {
        conditions.removeIf(c -> c.type().equals(condition.type()));
        conditions.add(condition);
    }
}

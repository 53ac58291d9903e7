package dev.canopy.controlplane.progress;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.api.ReplicationStatus;
import dev.canopy.controlplane.region.RegionCluster;
import dev.canopy.controlplane.store.Operation;

import java.util.Optional;

/** Whether an accepted operation has ended, judged from its cluster as the region holds it now. */
public final class OperationProgress {
    static final String PROMOTE = "promote";
    private OperationProgress() {
    }

    public record Ending(Operation.Outcome outcome, String message) {
    }

    public static Optional<Ending> ending(Operation operation, Optional<RegionCluster> inRegion) {
        if (operation.action().equals("delete")) {
            return inRegion.isEmpty()
                    ? Optional.of(new Ending(Operation.Outcome.succeeded, "every node stopped and the storage removed"))
                    : Optional.empty();
        }
        Ending deleted = new Ending(Operation.Outcome.failed, "the cluster was deleted before this was done");
        if (inRegion.isEmpty()) {
            return Optional.of(deleted);
        }
        Optional<Ending> ending = fromStatus(operation, inRegion.get().status());
        // a cluster being deleted still shows the status it had: a change it had carried out did succeed
        return inRegion.get().deleting() ? Optional.of(ending.orElse(deleted)) : ending;
    }

    /**
     * How the operation ended, or will end, for a cluster about to be deleted: what its status says now, or failed.
     * Called before the delete, so that a change the region had carried out is not counted as cut short.
     */
    public static Ending endingBeforeDelete(Operation operation, Optional<RegionCluster> inRegion) {
        return inRegion.flatMap(c -> fromStatus(operation, c.status()))
                .orElse(new Ending(Operation.Outcome.failed, "the cluster was deleted before this was done"));
    }

    private static Optional<Ending> fromStatus(Operation operation, DatabaseClusterStatus status) {
        if (operation.generation() == null || status == null || status.observedGeneration() == null
                || status.observedGeneration() < operation.generation()) {
            return Optional.empty();
        }
        String step = status.condition(Condition.PROGRESSING).map(Condition::message).orElse("");
        if (operation.action().equals(PROMOTE) && status.phase() != Phase.Failed) {
            return promoted(status);
        }
        return switch (status.phase()) {
            case Ready, Suspended -> Optional.of(new Ending(Operation.Outcome.succeeded,
                    status.phase() + " at generation " + status.observedGeneration()));
            case Failed -> Optional.of(new Ending(Operation.Outcome.failed, step.isEmpty() ? "the region reports Failed" : step));
            default -> Optional.empty();
        };
    }

    /**
     * A promotion ends when the region says the replica is promoted, not at the first Ready status of the new
     * generation: the replica keeps serving (reads) while the source is fenced and the last changes come in. A region
     * that reports no replication at all ends it at Ready, as any change.
     */
    private static Optional<Ending> promoted(DatabaseClusterStatus status) {
        ReplicationStatus replication = status.replication();
        if (replication == null) {
            return status.phase() == Phase.Ready ? Optional.of(new Ending(Operation.Outcome.succeeded,
                    "Ready at generation " + status.observedGeneration())) : Optional.empty();
        }
        if (replication.promotedAt() == null) {
            return Optional.empty();
        }
        return Optional.of(new Ending(Operation.Outcome.succeeded, "promoted at " + replication.promotedAt()
                + (replication.lagAtPromotionSeconds() == null ? "" : ", lag at promotion " + replication.lagAtPromotionSeconds() + " s")
                + (Boolean.TRUE.equals(replication.sourceFenced()) ? ", source fenced" : ", source not fenced")));
    }

    /** A status's phase and current step, as one event; equal for two statuses that say the same thing. */
    public static Optional<EventText> eventOf(DatabaseClusterStatus status) {
        if (status == null || status.phase() == null) {
            return Optional.empty();
        }
        Optional<Condition> progressing = status.condition(Condition.PROGRESSING);
        return Optional.of(new EventText(status.phase().name(),
                progressing.map(Condition::reason).orElse(null),
                progressing.map(Condition::message).orElse(status.phase() == Phase.Ready ? "ready" : null)));
    }

    public record EventText(String type, String reason, String message) {
    }
}

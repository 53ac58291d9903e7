package dev.canopy.controlplane.clusters;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.core.autoscaling.AutoscalingDecision;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A change the autoscaler decided, to be made as a user's would be: {@code decidedFrom} and {@code resourceVersion} are
 * what it read, so that a change made meanwhile (by a user, or in the region's files) wins and the next sample decides
 * again.
 */
public record AutoscalerChange(String organization, String cluster, long resourceVersion, DatabaseClusterSpec decidedFrom,
                               AutoscalingDecision decision) {
    /** The actor of the autoscaler's operations in the audit log, where a user's key id stands for a user's. */
    public static final String ACTOR = "autoscaler";

    /** How each kind of change is named: the operation's action in the audit log, the cluster event's reason. */
    private record Names(String action, String eventReason) {
    }

    private static final Map<AutoscalingDecision.Kind, Names> NAMES = Map.of(
            AutoscalingDecision.Kind.SCALE_OUT, new Names("scale-out", "AutoscaledOut"),
            AutoscalingDecision.Kind.SCALE_IN, new Names("scale-in", "AutoscaledIn"),
            AutoscalingDecision.Kind.GROW_STORAGE, new Names("grow-storage", "StorageGrown"),
            AutoscalingDecision.Kind.SUSPEND, new Names("suspend", "SuspendedIdle"));

    /** The reasons of the events the autoscaler records: the platform's own, not the region's. */
    public static final Set<String> EVENT_REASONS = NAMES.values().stream().map(Names::eventReason)
            .collect(Collectors.toUnmodifiableSet());

    public AutoscalerChange {
        if (!decision.changes()) {
            throw new IllegalArgumentException("a decision that changes nothing is no change: " + decision.reason());
        }
    }

    /** The operation's action in the audit log. */
    public String action() {
        return NAMES.get(decision.kind()).action();
    }

    /** The cluster event's reason. */
    public String eventReason() {
        return NAMES.get(decision.kind()).eventReason();
    }
}

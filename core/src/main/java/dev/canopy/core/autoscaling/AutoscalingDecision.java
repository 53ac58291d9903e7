package dev.canopy.core.autoscaling;

import dev.canopy.api.DatabaseClusterSpec;

import java.util.Optional;

/**
 * What one pass decided: a new spec and why, with the numbers behind it (for the cluster's events and the audit log),
 * or nothing, and why not (for whoever asks what the autoscaler waits for).
 */
public record AutoscalingDecision(Kind kind, DatabaseClusterSpec spec, String reason) {

    /** What the change is; an event's reason. */
    public enum Kind {
        NONE, GROW_STORAGE, SCALE_OUT, SCALE_IN, SUSPEND
    }

    public AutoscalingDecision {
        if ((kind == Kind.NONE) != (spec == null)) {
            throw new IllegalArgumentException("a decision has a new spec exactly when it changes something: " + kind);
        }
    }

    public static AutoscalingDecision none(String why) {
        return new AutoscalingDecision(Kind.NONE, null, why);
    }

    public boolean changes() {
        return kind != Kind.NONE;
    }

    public Optional<DatabaseClusterSpec> newSpec() {
        return Optional.ofNullable(spec);
    }
}

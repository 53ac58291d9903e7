package dev.canopy.core;

import java.util.List;
import java.util.Set;

/** The one thing the reconciler does next. {@code reason} is a CamelCase word for conditions, {@code message} a sentence. */
public sealed interface Step {
    String reason();

    String message();

    /** Whether taking this step changes something (starts, stops, activates...), rather than waiting or resting. */
    default boolean acts() {
        return !(this instanceof Wait || this instanceof Blocked || this instanceof Done || this instanceof Failed
                || this instanceof Retrying);
    }

    record StartNodes(List<NodeId> nodes, String reason, String message) implements Step {
    }

    /** Restarts running nodes with the launch the current spec renders (a rolling restart, or a crash-looping node). */
    record RestartNodes(List<NodeId> nodes, String reason, String message) implements Step {
    }

    /** Starts nodes afresh with their identity and placement but empty storage; the engine refills them. */
    record ReplaceNodes(List<NodeId> nodes, String reason, String message) implements Step {
    }

    record StopNodes(List<NodeId> nodes, String reason, String message) implements Step {
    }

    record DeleteNodes(List<NodeId> nodes, String reason, String message) implements Step {
    }

    record Activate(String reason, String message) implements Step {
    }

    record SetBaseline(Set<String> leaves, String reason, String message) implements Step {
    }

    /** Nothing safe to do now; something outside (a node joining, a rebalance) has to happen first. */
    /** Makes the cluster read-only (reads go on, every write is refused by the engine), or takes writes again. */
    record SetReadOnly(boolean readOnly, String reason, String message) implements Step {
    }

    /** Every owner of the lost partitions is back with its storage: their copies are declared owned again. */
    record ResetLostPartitions(String reason, String message) implements Step {
    }

    /**
     * The step failed and the next pass tries it again: Progressing, not Failed, since it may well work then (an
     * activation that timed out on a loaded machine). {@code attempt} counts the failures in a row.
     */
    record Retrying(String reason, String message, int attempt) implements Step {
    }

    record Wait(String reason, String message) implements Step {
    }

    /** Nothing will change until the spec does: the declared change cannot be carried out (yet). */
    record Blocked(String reason, String message) implements Step {
    }

    /** Taking the planned step failed; the next pass plans again. Only the reconciler makes these, never the planner. */
    record Failed(String reason, String message) implements Step {
    }

    /** The cluster is as declared. */
    record Done(String reason, String message) implements Step {
    }
}

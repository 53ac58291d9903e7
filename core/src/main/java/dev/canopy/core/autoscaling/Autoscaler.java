package dev.canopy.core.autoscaling;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One autoscaling pass: at most one change of the spec, so that each is carried out, and seen in the telemetry, before
 * the next is decided. Storage first: a full disk stops the cluster's writes, a busy leaf only slows them. Then idle
 * suspension, which makes any scaling moot. Then the leaves. Pure: the caller reads the telemetry and the status, and
 * applies the new spec as any other change, recording the reason.
 */
public final class Autoscaler {
    private Autoscaler() {
    }

    public static AutoscalingDecision decide(AutoscalingInput input) {
        if (input.spec().autoscaling() == null) {
            return AutoscalingDecision.none("autoscaling is off");
        }
        if (input.spec().isSuspended()) {
            return AutoscalingDecision.none("the cluster is suspended");
        }
        List<AutoscalingDecision> none = new java.util.ArrayList<>();
        for (var part : List.<java.util.function.Function<AutoscalingInput, AutoscalingDecision>>of(
                StorageGrowth::decide, IdleSuspension::decide, ComputeScaling::decide)) {
            AutoscalingDecision decision = part.apply(input);
            if (decision.changes()) {
                return decision;
            }
            none.add(decision);
        }
        // the parts that are off say nothing; the others say what they wait for
        return AutoscalingDecision.none(none.stream().map(AutoscalingDecision::reason)
                .filter(reason -> !reason.endsWith(" is off")).collect(Collectors.joining("; ")));
    }
}

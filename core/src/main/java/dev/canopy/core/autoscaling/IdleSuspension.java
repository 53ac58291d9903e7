package dev.canopy.core.autoscaling;

import dev.canopy.api.DatabaseClusterSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Suspends a cluster no user statement reached for {@code suspendAfterIdle}: its nodes stop, its storage stays. Idle
 * counts from the last statement, or from when the cluster last started to run when none came since, so that a cluster
 * just created or resumed gets the whole stretch. Not while a change is under way or a rebalance runs: stopping every
 * node in the middle of a scale-out is what {@code SuspendedChanges} keeps users from too.
 */
public final class IdleSuspension {
    private IdleSuspension() {
    }

    public static AutoscalingDecision decide(AutoscalingInput input) {
        DatabaseClusterSpec spec = input.spec();
        Optional<Duration> after = spec.autoscaling() == null ? Optional.empty() : spec.autoscaling().suspendAfterIdleDuration();
        if (after.isEmpty()) {
            return AutoscalingDecision.none("idle suspension is off");
        }
        if (spec.isSuspended()) {
            return AutoscalingDecision.none("suspended already");
        }
        Instant since = later(input.lastStatementAt(), input.runningSince());
        if (since == null) {
            return AutoscalingDecision.none("neither the last statement nor when the cluster started is known");
        }
        Duration idle = Duration.between(since, input.now());
        if (idle.compareTo(after.get()) < 0) {
            return AutoscalingDecision.none("idle for " + Numbers.duration(idle.isNegative() ? Duration.ZERO : idle) + " of "
                    + Numbers.duration(after.get()));
        }
        if (!input.settled() || input.rebalancing()) {
            return AutoscalingDecision.none("idle for " + Numbers.duration(idle) + ", but "
                    + (input.rebalancing() ? "a rebalance runs" : "a change is under way") + ": suspended once it is done");
        }
        return new AutoscalingDecision(AutoscalingDecision.Kind.SUSPEND, spec.withSuspended(true),
                "suspended: no statement for " + Numbers.duration(idle)
                        + (input.lastStatementAt() == null || input.lastStatementAt().isBefore(since) ? " since it started" : "")
                        + " ≥ " + Numbers.duration(after.get()));
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}

package dev.canopy.core;

import dev.canopy.api.UpgradeStatus;

import java.util.List;
import java.util.Optional;

/**
 * The restarts a spec change asks for, as observed now: the declared nodes still running with an outdated launch
 * ({@code stale}, in restart order: AG1's leaves, AG2's, then the aggregators), and the release of a node still running
 * another engine version, which no rolling restart can carry (Ignite refuses mixed versions in one cluster).
 * {@code total} counts the nodes of the whole upgrade, remembered in the status across passes; {@code unfinished} says
 * that the status still records the upgrade as running (its last node may be restarted and still rejoining).
 */
public record Rollout(List<NodeId> stale, Optional<String> otherEngineRelease, int total, boolean unfinished) {

    public Rollout {
        stale = List.copyOf(stale);
    }

    public static Rollout of(Observed observed) {
        String target = observed.topology().spec().release();
        List<NodeId> stale = DesiredNodes.all(observed.topology().spec()).stream().filter(observed::isStale).toList();
        Optional<String> other = observed.nodes().values().stream()
                .filter(n -> observed.isUp(n.node()) && n.release() != null && !Release.sameEngine(n.release(), target))
                .map(NodeObservation::release).findFirst();
        UpgradeStatus upgrade = observed.previous() == null ? null : observed.previous().upgrade();
        if (upgrade != null && UpgradeStatus.BLUE_GREEN.equals(upgrade.strategy())) {
            // the region's record of a blue/green upgrade, not a restart this planner counts
            upgrade = null;
        }
        int total = upgrade != null && upgrade.inProgress() && upgrade.nodesToRestart() != null
                ? Math.max(upgrade.nodesToRestart(), stale.size()) : stale.size();
        return new Rollout(stale, other, total, upgrade != null && upgrade.inProgress());
    }

    public boolean engineChange() {
        return otherEngineRelease.isPresent();
    }

    public boolean inProgress() {
        return engineChange() || !stale.isEmpty();
    }

    /** Restarts still to take, or all taken and the upgrade not yet finished: waits read as the upgrade's progress. */
    public boolean underway() {
        return inProgress() || unfinished;
    }

    public int restarted() {
        return total - stale.size();
    }
}

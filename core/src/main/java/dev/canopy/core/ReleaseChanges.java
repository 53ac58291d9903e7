package dev.canopy.core;

import dev.canopy.api.DatabaseClusterSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a release can be asked for, decided before anything is stored: every day-2 operation a release is offered with
 * must work on it. The platform drives baseline changes and snapshots with its own engine's control utility, whose
 * compute calls an older engine refuses ("Compute grid functionality is disabled for thin clients"): a cluster on an
 * older engine is provisioned, restarted, suspended and upgraded, but not resized nor backed up, and is told so up
 * front. An engine is never downgraded: a newer engine's storage is not read back by an older one. Pure.
 */
public final class ReleaseChanges {
    /** The engine version of the platform's own control utility. */
    public static final String PLATFORM_ENGINE = "2.17.0";

    private ReleaseChanges() {
    }

    /** The refused parts of a change from {@code before} (null: a new cluster) to {@code after}, each naming its field. */
    public static List<String> problems(DatabaseClusterSpec before, DatabaseClusterSpec after) {
        List<String> problems = new ArrayList<>();
        String release = after.release();
        if (release == null) {
            return problems;
        }
        if (before != null && before.release() != null && older(release, before.release())) {
            problems.add("spec.release: " + release + " is an older engine than the cluster's " + before.release()
                    + "; an engine is never downgraded (a newer engine's storage is not read back by an older one)");
        }
        if (!older(release, PLATFORM_ENGINE)) {
            return problems;
        }
        String why = " on release " + release + ": the platform drives it with the control utility of " + PLATFORM_ENGINE
                + ", whose calls an older engine refuses; upgrade the cluster to " + PLATFORM_ENGINE + " first";
        if (before != null && !Objects.equals(before.leaves().count(), after.leaves().count())) {
            problems.add("spec.leaves.count: the leaves cannot be added or removed" + why);
        }
        if (after.autoscaling() != null && after.autoscaling().compute() != null) {
            // the autoscaler would only add and remove leaves: refused here rather than at its first decision
            problems.add("spec.autoscaling.compute: the leaves cannot be added or removed" + why);
        }
        if (after.backup() != null && after.backup().schedule() != null) {
            problems.add("spec.backup.schedule: no backup can be taken" + why);
        }
        return problems;
    }

    /** Why a backup cannot be taken of a cluster at this release; empty when it can. */
    public static java.util.Optional<String> backupProblem(String release) {
        if (release == null || !older(release, PLATFORM_ENGINE)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("no backup can be taken on release " + release + ": the platform takes snapshots with the"
                + " control utility of " + PLATFORM_ENGINE + ", whose calls an older engine refuses; upgrade the cluster to "
                + PLATFORM_ENGINE + " first");
    }

    /** Whether {@code a}'s engine version is older than {@code b}'s (numerically, part by part). */
    static boolean older(String a, String b) {
        String[] x = Release.engineVersion(a).split("\\.");
        String[] y = Release.engineVersion(b).split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? Integer.parseInt(x[i]) : 0;
            int q = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (p != q) {
                return p < q;
            }
        }
        return false;
    }
}

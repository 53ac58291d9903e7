package dev.canopy.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a suspended cluster may be changed in. Its nodes are stopped with their data: a resize or an upgrade cannot be
 * carried out on them, and carried out on resume it started the new spec's leaves against the old baseline and lost
 * partitions. So while suspended, and in the same change that resumes it, only the backup policy may change; the
 * rest waits until it runs again. Pure: every entry point (the control plane, the local store, the operator, the
 * CRD's transition rule) asks it, or says the same.
 */
public final class SuspendedChanges {
    /** The CRD's transition rule, the same decision for the API server to make (see {@link DatabaseClusterSpec}). */
    public static final String CEL_RULE = "!has(oldSelf.suspended) || !oldSelf.suspended || (self.release == oldSelf.release"
            + " && self.redundancyLevel == oldSelf.redundancyLevel && self.aggregators == oldSelf.aggregators"
            + " && self.leaves == oldSelf.leaves && (has(self.config) == has(oldSelf.config))"
            + " && (!has(self.config) || self.config == oldSelf.config))";
    public static final String CEL_MESSAGE = "the cluster is suspended: resume it first (suspended: false, alone), then change"
            + " its release, redundancyLevel, aggregators, leaves or config";

    private SuspendedChanges() {
    }

    /** The refused changes, each naming its field; empty when the change may be made. */
    public static List<String> problems(DatabaseClusterSpec before, DatabaseClusterSpec after) {
        if (before == null || after == null || !before.isSuspended()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        String why = ": the cluster is suspended; resume it first (suspended: false, alone), then change this";
        if (!Objects.equals(before.release(), after.release())) {
            problems.add("spec.release" + why);
        }
        if (!Objects.equals(before.redundancyLevel(), after.redundancyLevel())) {
            problems.add("spec.redundancyLevel" + why);
        }
        if (!Objects.equals(before.aggregators(), after.aggregators())) {
            problems.add("spec.aggregators" + why);
        }
        if (!Objects.equals(before.leaves(), after.leaves())) {
            problems.add("spec.leaves" + why);
        }
        if (!Objects.equals(before.config(), after.config())) {
            problems.add("spec.config" + why);
        }
        return problems;
    }
}

package dev.canopy.controlplane.region;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.ReplicationStatus;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renames a replica's source in a status the region wrote: in {@code status.replication.source} and wherever the region
 * wrote that source in a message (the replication's state, the conditions), but not inside a longer name
 * ({@code local/default-orders} is not renamed in {@code local/default-orders-2} nor in {@code x/local/default-orders}).
 * Used twice: a Kubernetes region names a source {@code <namespace>/<cluster>}, which {@link KubernetesRegion} reads back
 * as {@code <region>/<cluster>}; the control plane then names the cluster as its organization does.
 */
public final class ReplicationSourceNames {
    private ReplicationSourceNames() {
    }

    /** The status with its replication's source written as {@code renamed}; the same status when it has no source. */
    public static DatabaseClusterStatus renamed(DatabaseClusterStatus status, String renamed) {
        if (status == null || status.replication() == null || status.replication().source() == null
                || status.replication().source().equals(renamed)) {
            return status;
        }
        ReplicationStatus r = status.replication();
        Pattern written = Pattern.compile("(?<![-a-z0-9/])" + Pattern.quote(r.source()) + "(?![-a-z0-9])");
        List<Condition> conditions = status.conditions().stream()
                .map(c -> new Condition(c.type(), c.status(), c.reason(), replace(written, c.message(), renamed),
                        c.lastTransitionTime()))
                .toList();
        ReplicationStatus replication = new ReplicationStatus(renamed, replace(written, r.state(), renamed),
                r.lagSeconds(), r.rowsCopied(), r.promotedAt(), r.lagAtPromotionSeconds(), r.sourceFenced());
        return new DatabaseClusterStatus(status.phase(), conditions, status.observedGeneration(), status.aggregators(),
                status.leaves(), status.release(), status.endpoints(), status.upgrade(), status.rebalance(), replication);
    }

    private static String replace(Pattern written, String text, String renamed) {
        return text == null ? null : written.matcher(text).replaceAll(Matcher.quoteReplacement(renamed));
    }
}

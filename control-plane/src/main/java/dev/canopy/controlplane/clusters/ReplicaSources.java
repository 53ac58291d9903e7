package dev.canopy.controlplane.clusters;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.controlplane.problem.FieldProblem;
import dev.canopy.controlplane.region.Regions;
import dev.canopy.controlplane.region.ReplicationSourceNames;
import dev.canopy.controlplane.store.ClusterRecord;
import dev.canopy.controlplane.store.StoreTransaction;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A replica's source in the two namings: users name a cluster of their own organization ({@code orders}, in a region
 * they may leave out), while the region holds it under its name there ({@code default-orders}) in a named region,
 * and writes {@code status.replication.source} as {@code local/default-orders}. Requests are translated into the
 * region's names once, when the replica is created; answers are translated back on every read.
 */
final class ReplicaSources {
    private ReplicaSources() {
    }

    /** A region's name for a cluster back to the organization's, when the organization has that cluster. */
    @FunctionalInterface
    interface Names {
        Optional<String> apiName(String region, String regionName);

        /** No lookup: names go back by their organization prefix alone. */
        Names NONE = (region, regionName) -> Optional.empty();

        static Names of(StoreTransaction tx, String organization) {
            return (region, regionName) -> tx.clusterInRegion(region, regionName)
                    .filter(r -> r.organization().equals(organization)).map(ClusterRecord::name);
        }

        /** Each name looked up once, for the answer it is made for (not thread-safe: one answer, one thread). */
        static Names memoized(Names lookup) {
            Map<List<String>, Optional<String>> known = new HashMap<>();
            return (region, regionName) -> known.computeIfAbsent(List.of(region, regionName),
                    key -> lookup.apiName(region, regionName));
        }
    }

    /** The source in the region's names, or every problem with it, each naming its request field. */
    record Resolved(ReplicaOfSpec inRegion, List<FieldProblem> problems) {
    }

    /**
     * Finds the source a create names: a cluster of the same organization in the given region (the replica's own by
     * default), which the control plane knows, and not the new cluster itself. Across regions, the source and the
     * replica must be regions of one kind: local regions feed each other, and a Kubernetes region's operator reaches
     * another Kubernetes region through its kubeconfig.
     */
    static Resolved resolve(StoreTransaction tx, Regions regions, String organization, String replicaName,
                            String replicaRegion, ReplicaOfSpec asked) {
        String sourceRegion = asked.region() == null ? replicaRegion : asked.region();
        if (regions.find(sourceRegion).isEmpty()) {
            return problem("replicaOf.region", "no region named " + sourceRegion + "; regions: "
                    + String.join(", ", regions.all().stream().map(r -> r.name()).toList()));
        }
        String sourceKind = regions.find(sourceRegion).get().kind();
        String replicaKind = regions.find(replicaRegion).map(r -> r.kind()).orElse(sourceKind);
        if (!sourceKind.equals(replicaKind)) {
            // a local region's captures stream to local processes and an operator reaches other regions through a
            // kubeconfig: neither reaches the other kind
            return problem("replicaOf.region", "source region " + sourceRegion + " (" + sourceKind + ") and the replica's"
                    + " region " + replicaRegion + " (" + replicaKind + "): replicas between kinds of regions are not fed"
                    + " yet (no network path between the source's change captures and the replica is set up); make the"
                    + " replica in region " + sourceRegion + ", the source's, or in another " + sourceKind + " region");
        }
        if (asked.cluster().equals(replicaName) && sourceRegion.equals(replicaRegion)) {
            return problem("replicaOf.cluster", "names the new cluster itself; a replica is fed from another cluster");
        }
        Optional<ClusterRecord> source = tx.cluster(organization, asked.cluster());
        if (source.isEmpty()) {
            return problem("replicaOf.cluster", "no cluster named " + asked.cluster() + " in region " + sourceRegion);
        }
        if (!source.get().region().equals(sourceRegion)) {
            return problem("replicaOf.cluster", "no cluster named " + asked.cluster() + " in region " + sourceRegion
                    + "; it is in region " + source.get().region() + " (give replicaOf.region)");
        }
        return new Resolved(new ReplicaOfSpec(source.get().regionName(), sourceRegion), List.of());
    }

    private static Resolved problem(String field, String message) {
        return new Resolved(null, List.of(new FieldProblem(field, message)));
    }

    /** The spec with its source in the organization's names. */
    static DatabaseClusterSpec toApi(DatabaseClusterSpec spec, String organization, Names names) {
        if (spec == null || spec.replicaOf() == null) {
            return spec;
        }
        ReplicaOfSpec of = spec.replicaOf();
        String region = of.region();
        String name = region == null ? stripped(organization, of.cluster())
                : apiName(names, organization, region, of.cluster());
        return spec.withReplicaOf(new ReplicaOfSpec(name, region));
    }

    /**
     * The status with its replication's source in the organization's names, in {@code source} and wherever the region
     * wrote it in a message (the replication's state, the conditions).
     */
    static DatabaseClusterStatus toApi(DatabaseClusterStatus status, String organization, Names names) {
        if (status == null || status.replication() == null || status.replication().source() == null) {
            return status;
        }
        String source = status.replication().source();
        int slash = source.indexOf('/');
        if (slash < 0) {
            return status;
        }
        String region = source.substring(0, slash);
        return ReplicationSourceNames.renamed(status,
                region + "/" + apiName(names, organization, region, source.substring(slash + 1)));
    }

    /**
     * The organization's name for a cluster of a region: its record's, or, for one the control plane no longer knows
     * (a deleted source), the region's name without the organization's prefix.
     */
    private static String apiName(Names names, String organization, String region, String regionName) {
        return names.apiName(region, regionName).orElseGet(() -> stripped(organization, regionName));
    }

    private static String stripped(String organization, String regionName) {
        String prefix = organization + "-";
        return regionName.startsWith(prefix) ? regionName.substring(prefix.length()) : regionName;
    }
}

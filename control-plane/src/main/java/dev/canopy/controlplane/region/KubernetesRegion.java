package dev.canopy.controlplane.region;

import dev.canopy.api.BackupSpec;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.ReplicaOfSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Kubernetes cluster running the Canopy operator: the control plane writes DatabaseCluster resources into one
 * namespace through a kubeconfig context and reads back the status the operator writes. A thin adapter: the operator
 * validates releases and carries the specs out.
 */
public final class KubernetesRegion implements Region, AutoCloseable {
    public static final String KIND = "kubernetes";
    public static final String CRD_NAME = "databaseclusters." + DatabaseCluster.GROUP;

    private final String name;
    private final String namespace;
    private final KubernetesClient client;

    public KubernetesRegion(String name, String namespace, KubernetesClient client) {
        this.name = name;
        this.namespace = namespace;
        this.client = client;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return KIND;
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public long apply(String clusterName, DatabaseClusterSpec spec) {
        return answer("write " + clusterName, () -> write(clusterName, spec));
    }

    private long write(String clusterName, DatabaseClusterSpec spec) {
        DatabaseCluster current = resources().withName(clusterName).get();
        BackupSpec before = current == null || current.getSpec() == null ? null : current.getSpec().backup();
        if (spec.backup() != null && !spec.backup().equals(before)) {
            // the operator does not act on it yet: accepting it would promise backups that are never taken
            throw new InvalidSpecException(List.of("spec.backup: region " + name + " (kubernetes) takes no backups yet;"
                    + " leave backup out here, or run the cluster in a local region"));
        }
        if (spec.replicaOf() != null) {
            String sourceRegion = spec.replicaOf().region();
            if (sourceRegion != null && !sourceRegion.equals(name)) {
                // the operator feeds a replica from a DatabaseCluster of its own namespace only
                throw new InvalidSpecException(List.of("spec.replicaOf.region: region " + name + " (kubernetes) feeds a"
                        + " replica only from a cluster of its own (namespace " + namespace + "), not from region "
                        + sourceRegion + ": no network path between another region's change captures and the replica is"
                        + " set up; make the replica in region " + sourceRegion + ", the source's"));
            }
            // the operator knows no region names: a source without one is in the replica's namespace
            spec = spec.withReplicaOf(new ReplicaOfSpec(spec.replicaOf().cluster(), null));
        }
        if (current == null) {
            DatabaseCluster fresh = new DatabaseCluster();
            fresh.setMetadata(new ObjectMetaBuilder().withName(clusterName).withNamespace(namespace).build());
            fresh.setSpec(spec);
            return generation(resources().resource(fresh).create());
        }
        if (current.getMetadata().getDeletionTimestamp() != null) {
            throw new RegionConflictException("cluster " + clusterName + " is being deleted in region " + name);
        }
        current.setSpec(spec);
        // an update with the resource version read above: a concurrent writer makes it fail rather than be overwritten
        return generation(resources().resource(current).update());
    }

    @Override
    public Optional<RegionCluster> get(String clusterName) {
        return answer("read " + clusterName, () ->
                Optional.ofNullable(resources().withName(clusterName).get()).map(this::toRegionCluster));
    }

    @Override
    public boolean delete(String clusterName) {
        return answer("delete " + clusterName, () -> !resources().withName(clusterName).delete().isEmpty());
    }

    @Override
    public List<RegionCluster> list() {
        return answer("list clusters", () ->
                resources().list().getItems().stream().map(this::toRegionCluster).toList());
    }

    /** The operator validates the release against its image; the control plane does not know that list. */
    @Override
    public List<String> releases() {
        return List.of();
    }

    @Override
    public RegionHealth health() {
        String server = client.getMasterUrl() + ", namespace " + namespace;
        try {
            String version = client.getKubernetesVersion().getGitVersion();
            var crd = client.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).get();
            if (crd == null) {
                return new RegionHealth(false, "API server " + server + " (Kubernetes " + version + ") answers, but the CRD "
                        + CRD_NAME + " is not installed: install the canopy-operator chart");
            }
            return new RegionHealth(true, "API server " + server + " (Kubernetes " + version + "), CRD " + CRD_NAME + " installed");
        } catch (KubernetesClientException e) {
            return new RegionHealth(false, "API server " + server + " does not answer: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /** The API server's refusals and silences as the control plane's: a conflict (409), or the region unavailable. */
    private <T> T answer(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 422) {
                throw new InvalidSpecException(schemaProblems(e));
            }
            if (e.getCode() == 409) {
                throw new RegionConflictException("region " + name + ": cannot " + what + ": changed meanwhile, retry ("
                        + e.getMessage() + ")");
            }
            throw new RegionUnavailableException("region " + name + " (" + client.getMasterUrl() + ", namespace " + namespace
                    + "): cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** The CRD schema's refusal, one "spec.field: reason" per cause (as the spec validator words them). */
    private static List<String> schemaProblems(KubernetesClientException e) {
        var details = e.getStatus() == null ? null : e.getStatus().getDetails();
        if (details == null || details.getCauses() == null || details.getCauses().isEmpty()) {
            return List.of("spec: the API server refused it: " + e.getMessage());
        }
        return details.getCauses().stream()
                .map(c -> (c.getField() == null ? "spec" : c.getField()) + ": " + c.getMessage()).toList();
    }

    private NonNamespaceOperation<DatabaseCluster, KubernetesResourceList<DatabaseCluster>, Resource<DatabaseCluster>> resources() {
        return client.resources(DatabaseCluster.class).inNamespace(namespace);
    }

    private static long generation(DatabaseCluster cluster) {
        Long generation = cluster.getMetadata().getGeneration();
        // API servers always set it; a missing one is read as the first
        return generation == null ? 1 : generation;
    }

    /**
     * The resource as a local region would report it: a replica's source, which the operator names without a region in
     * the spec and as {@code <namespace>/<cluster>} in the status, named {@code <region>/<cluster>} as in every region.
     */
    private RegionCluster toRegionCluster(DatabaseCluster c) {
        DatabaseClusterSpec spec = c.getSpec();
        if (spec != null && spec.replicaOf() != null && spec.replicaOf().region() == null) {
            spec = spec.withReplicaOf(new ReplicaOfSpec(spec.replicaOf().cluster(), name));
        }
        DatabaseClusterStatus status = c.getStatus();
        String source = status == null || status.replication() == null ? null : status.replication().source();
        String ours = namespace + "/";
        if (source != null && source.startsWith(ours) && source.indexOf('/', ours.length()) < 0) {
            status = ReplicationSourceNames.renamed(status, name + "/" + source.substring(ours.length()));
        }
        return new RegionCluster(c.getMetadata().getName(), generation(c), spec, status,
                c.getMetadata().getDeletionTimestamp() != null);
    }
}

package dev.canopy.controlplane.region;

import dev.canopy.api.BackupSpec;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.KubernetesBackups;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.RestoreSource;
import dev.canopy.backup.BackupRecord;
import dev.canopy.backup.Records;
import dev.canopy.controlplane.json.Json;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A Kubernetes cluster running the Canopy operator: the control plane writes DatabaseCluster resources into one
 * namespace through a kubeconfig context and reads back the status the operator writes. A thin adapter: the operator
 * validates releases and carries the specs out, backups and restores included ({@link KubernetesBackups}).
 */
public final class KubernetesRegion implements Region, AutoCloseable {
    public static final String KIND = "kubernetes";
    public static final String CRD_NAME = "databaseclusters." + DatabaseCluster.GROUP;

    /** The Secret, in a replica's namespace, with the kubeconfig of its source's region ({@code canopy-region-<region>}). */
    public static final String SOURCE_REGION_SECRET_PREFIX = "canopy-region-";
    public static final String SOURCE_REGION_SECRET_KEY = "kubeconfig";
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesRegion.class);

    private final String name;
    private final String namespace;
    private final KubernetesClient client;
    private final String operatorKubeconfig;
    private final Function<String, Optional<Region>> otherRegions;
    private final Clock clock;

    /** A region that neither feeds replicas in other regions nor hosts replicas of theirs. */
    /** Set once the control plane asks to be told changes (see {@link #onChange}). */
    private io.fabric8.kubernetes.client.informers.SharedIndexInformer<DatabaseCluster> informer;

    public KubernetesRegion(String name, String namespace, KubernetesClient client) {
        this(name, namespace, client, null, region -> Optional.empty());
    }

    /**
     * @param operatorKubeconfig what another region's operator is given to reach this one's namespace, to feed a
     *                           replica from a cluster here ({@link Kubeconfigs#forOperator}); null: none is given
     * @param otherRegions       the platform's regions by name, where a replica's source region is found
     */
    public KubernetesRegion(String name, String namespace, KubernetesClient client, String operatorKubeconfig,
                            Function<String, Optional<Region>> otherRegions) {
        this(name, namespace, client, operatorKubeconfig, otherRegions, Clock.systemUTC());
    }

    /** @param clock the time a backup is asked for, which the request's annotation carries */
    public KubernetesRegion(String name, String namespace, KubernetesClient client, String operatorKubeconfig,
                            Function<String, Optional<Region>> otherRegions, Clock clock) {
        this.name = name;
        this.namespace = namespace;
        this.client = client;
        this.operatorKubeconfig = operatorKubeconfig;
        this.otherRegions = otherRegions;
        this.clock = clock;
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
        // only a changed section: a resource stored before the rule came in still takes its other changes
        if (spec.backup() != null && !spec.backup().equals(before)) {
            refuseUnreachableDestination(spec);
        }
        Optional<Secret> sourceKubeconfig = Optional.empty();
        if (spec.replicaOf() != null) {
            String sourceRegion = spec.replicaOf().region();
            if (sourceRegion == null || sourceRegion.equals(name)) {
                // the operator's contract: a source without a region is a DatabaseCluster of the replica's namespace
                spec = spec.withReplicaOf(new ReplicaOfSpec(spec.replicaOf().cluster(), null));
            } else {
                sourceKubeconfig = Optional.of(sourceRegionSecret(sourceRegion));
            }
        }
        if (current != null && current.getMetadata().getDeletionTimestamp() != null) {
            throw new RegionConflictException("cluster " + clusterName + " is being deleted in region " + name);
        }
        // before the resource, so the operator finds it on its first pass. Left in place when the replica is deleted:
        // other replicas of that region's clusters may use it, and it is the same for all of them
        sourceKubeconfig.ifPresent(secret -> client.secrets().inNamespace(namespace).resource(secret)
                .createOr(NonDeletingOperation::update));
        if (current == null) {
            return create(clusterName, spec, Map.of());
        }
        current.setSpec(spec);
        // an update with the resource version read above: a concurrent writer makes it fail rather than be overwritten
        return generation(resources().resource(current).update());
    }

    private long create(String clusterName, DatabaseClusterSpec spec, Map<String, String> annotations) {
        DatabaseCluster fresh = new DatabaseCluster();
        fresh.setMetadata(new ObjectMetaBuilder().withName(clusterName).withNamespace(namespace)
                .withAnnotations(annotations.isEmpty() ? null : annotations).build());
        fresh.setSpec(spec);
        return generation(resources().resource(fresh).create());
    }

    /** The operator and every pod reach S3; accepting a directory would promise backups that are never taken. */
    private static void refuseUnreachableDestination(DatabaseClusterSpec spec) {
        KubernetesBackups.destinationProblem(spec.backup()).ifPresent(problem -> {
            throw new InvalidSpecException(List.of(problem));
        });
    }

    /** The operator takes the backup when the request annotation changes; a new time is always a change. */
    @Override
    public boolean requestBackup(String clusterName) {
        return answer("ask for a backup of " + clusterName, () -> {
            DatabaseCluster current = resources().withName(clusterName).get();
            if (current == null || current.getMetadata().getDeletionTimestamp() != null) {
                return false;
            }
            // a merge patch of the annotation alone: a spec written meanwhile is neither overwritten nor a conflict
            String patch = Json.write(Map.of("metadata", Map.of("annotations",
                    Map.of(KubernetesBackups.REQUEST_ANNOTATION, clock.instant().toString()))));
            try {
                resources().withName(clusterName).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return false; // deleted since it was read
                }
                throw e;
            }
        });
    }

    /** The records the operator keeps in the cluster's catalog ConfigMap; none before its first backup. */
    @Override
    public List<BackupRecord> backups(String clusterName) {
        return answer("read the backups of " + clusterName, () -> {
            String catalog = KubernetesBackups.catalog(clusterName);
            ConfigMap records = client.configMaps().inNamespace(namespace).withName(catalog).get();
            if (records == null || records.getData() == null) {
                return List.of();
            }
            List<BackupRecord> found = new ArrayList<>();
            records.getData().forEach((key, value) -> {
                if (key.endsWith(KubernetesBackups.RECORD_KEY_SUFFIX)) {
                    record(catalog, key, value).ifPresent(found::add);
                }
            });
            found.sort(Records.OLDEST_FIRST);
            return found;
        });
    }

    /** One broken value (a hand edit, an older operator) hides that backup only, not the cluster's others. */
    private Optional<BackupRecord> record(String catalog, String key, String value) {
        String problem;
        try {
            BackupRecord record = value == null ? null : Records.fromJson(value.getBytes(StandardCharsets.UTF_8));
            if (record != null && record.id() != null && record.createdAt() != null) {
                return Optional.of(record);
            }
            // the list is sorted by these
            problem = "a backup record needs its id and createdAt";
        } catch (UncheckedIOException e) {
            problem = e.getMessage();
        }
        LOG.warn("region {}: ConfigMap {}/{} key {} skipped: {}", name, namespace, catalog, key, problem);
        return Optional.empty();
    }

    /**
     * A new resource the operator restores once its nodes are up, reporting how that goes in its status. The backup is
     * not read here: the operator holds the S3 credentials, and checks that the backup exists and fits.
     */
    @Override
    public long restore(String clusterName, DatabaseClusterSpec spec, RestoreSource source) {
        if (source.destination() == null || source.destination().s3() == null) {
            // the operator has no directory of its own, and a directory elsewhere would be on one machine only
            throw new InvalidSpecException(List.of("restoreFrom.destination: region " + name + " (kubernetes) restores"
                    + " from S3-compatible object storage only: give destination.s3, as the backup's record names it"
                    + " (its location)"));
        }
        if (spec.replicaOf() != null) {
            throw new InvalidSpecException(List.of("restoreFrom: a replica starts from its source's rows; give replicaOf"
                    + " or restoreFrom, not both"));
        }
        refuseUnreachableDestination(spec);
        // said as the operator says a missing backup: where it looked
        BackupOwnership.require(clusterName, source, () -> dev.canopy.backup.S3Destination.describe(source.destination().s3()));
        return answer("restore " + clusterName, () -> {
            DatabaseCluster current = resources().withName(clusterName).get();
            if (current != null) {
                throw new RegionConflictException("region " + name + " already holds a cluster named " + clusterName
                        + (current.getMetadata().getDeletionTimestamp() != null ? " (being deleted)" : ""));
            }
            return create(clusterName, spec, Map.of(KubernetesBackups.RESTORE_FROM_ANNOTATION, Json.write(source)));
        });
    }

    /**
     * The Secret through which this region's operator reaches the source's region: that region's kubeconfig, in its
     * namespace. Refused, naming the field, when the source region is no Kubernetes region registered here.
     */
    private Secret sourceRegionSecret(String sourceRegion) {
        Optional<Region> found = otherRegions.apply(sourceRegion);
        if (found.isEmpty() || !(found.get() instanceof KubernetesRegion source) || source.operatorKubeconfig == null) {
            String what = found.map(r -> r.name() + " (" + r.kind() + ")").orElse(sourceRegion + " (unknown here)");
            // the operator reaches another Kubernetes cluster through a kubeconfig; a local region has no API to reach
            throw new InvalidSpecException(List.of("spec.replicaOf.region: region " + name + " (kubernetes) feeds a"
                    + " replica only from a cluster of its own namespace or of another registered Kubernetes region, not"
                    + " from region " + what + ": no network path between that region's change captures and the replica"
                    + " is set up; make the replica in region " + sourceRegion + ", the source's"));
        }
        return new SecretBuilder()
                .withNewMetadata().withName(SOURCE_REGION_SECRET_PREFIX + sourceRegion).withNamespace(namespace)
                .withLabels(Map.of("app.kubernetes.io/managed-by", "canopy-control-plane"))
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of(SOURCE_REGION_SECRET_KEY, Base64.getEncoder().encodeToString(
                        source.operatorKubeconfig.getBytes(StandardCharsets.UTF_8))))
                .build();
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

    /**
     * Tells changes from an informer on the region's DatabaseClusters: one watch, resumed from its last resource
     * version after a disconnect (listed again when that version is gone), instead of a list every second. Started
     * without waiting for its first list: a region whose API server does not answer yet is still listed on schedule,
     * and shown stale, until it does.
     */
    @Override
    public synchronized boolean onChange(java.util.function.Consumer<String> changed) {
        if (informer != null) {
            informer.stop();
        }
        io.fabric8.kubernetes.client.informers.SharedIndexInformer<DatabaseCluster> watching = resources().runnableInformer(0);
        watching.addEventHandler(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
            @Override
            public void onAdd(DatabaseCluster cluster) {
                changed.accept(cluster.getMetadata().getName());
            }

            @Override
            public void onUpdate(DatabaseCluster before, DatabaseCluster cluster) {
                changed.accept(cluster.getMetadata().getName());
            }

            @Override
            public void onDelete(DatabaseCluster cluster, boolean finalStateUnknown) {
                changed.accept(cluster.getMetadata().getName());
            }
        });
        watching.start();
        informer = watching;
        return true;
    }

    @Override
    public synchronized void close() {
        if (informer != null) {
            informer.stop();
        }
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
     * The resource as a local region would report it: a replica of a cluster of this namespace, which the operator
     * names without a region in the spec and as {@code <namespace>/<cluster>} in the status, named
     * {@code <region>/<cluster>} as in every region. A source in another region is named by its region already.
     */
    private RegionCluster toRegionCluster(DatabaseCluster c) {
        DatabaseClusterSpec spec = c.getSpec();
        // by the spec, not by the source's prefix: another region may be named as this namespace; a promoted replica
        // (no replicaOf left) has only the prefix to go by
        boolean sourceHere = spec == null || spec.replicaOf() == null || spec.replicaOf().region() == null;
        if (spec != null && spec.replicaOf() != null && spec.replicaOf().region() == null) {
            spec = spec.withReplicaOf(new ReplicaOfSpec(spec.replicaOf().cluster(), name));
        }
        DatabaseClusterStatus status = c.getStatus();
        String source = status == null || status.replication() == null ? null : status.replication().source();
        String ours = namespace + "/";
        if (sourceHere && source != null && source.startsWith(ours) && source.indexOf('/', ours.length()) < 0) {
            status = ReplicationSourceNames.renamed(status, name + "/" + source.substring(ours.length()));
        }
        return new RegionCluster(c.getMetadata().getName(), generation(c), spec, status,
                c.getMetadata().getDeletionTimestamp() != null);
    }
}

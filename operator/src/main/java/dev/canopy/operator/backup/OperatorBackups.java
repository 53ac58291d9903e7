package dev.canopy.operator.backup;

import dev.canopy.api.BackupDestinationSpec;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.KubernetesBackups;
import dev.canopy.api.Phase;
import dev.canopy.api.RestoreSource;
import dev.canopy.backup.BackupStatus;
import dev.canopy.backup.BackupTaker;
import dev.canopy.backup.BackupWorker;
import dev.canopy.backup.ClusterBackups;
import dev.canopy.backup.Destination;
import dev.canopy.backup.Destinations;
import dev.canopy.backup.RestoreState;
import dev.canopy.backup.Restorer;
import dev.canopy.backup.S3Credentials;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Snapshots;
import dev.canopy.core.Topology;
import dev.canopy.runtime.kubernetes.Applier;
import dev.canopy.runtime.kubernetes.KubernetesRuntime;
import dev.canopy.runtime.kubernetes.LeafFiles;
import dev.canopy.runtime.kubernetes.OwnedCluster;
import dev.canopy.runtime.kubernetes.PodSnapshots;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The operator's backups and restores, with the same procedure as every region's ({@link ClusterBackups}): each pass
 * of a cluster starts what is due (a restore once its nodes are up, a backup asked for with
 * {@link KubernetesBackups#REQUEST_ANNOTATION} or made due by its schedule) on a thread of its own, so that a long
 * copy never holds up a pass, and says in the status how the restore and the last backup went. The leaves' snapshots
 * come out of and go into their pods ({@link PodSnapshots}); the operator uploads and downloads them to S3.
 */
public final class OperatorBackups implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorBackups.class);
    /** How soon a pass comes again while a backup or restore runs: its end shows in the status that much later. */
    public static final Duration WHILE_RUNNING = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final Applier applier;
    /** The engine's snapshots by namespace: each namespace's engine logs in with its clusters' Secrets. */
    private final Function<String, Snapshots> engines;
    private final Function<String, LeafFiles> files;
    private final Clock clock;
    private final Path scratch;
    private final Map<String, BackupCatalog> catalogs = new ConcurrentHashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "canopy-backups");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param files   a leaf's files by namespace
     * @param scratch a local directory with room for a cluster's snapshot on its way to and from S3
     */
    public OperatorBackups(KubernetesClient client, Applier applier, Snapshots engine, Function<String, LeafFiles> files,
                           Clock clock, Path scratch) {
        this(client, applier, namespace -> engine, files, clock, scratch);
    }

    /** @param engines the engine's snapshots for the clusters of a namespace */
    public OperatorBackups(KubernetesClient client, Applier applier, Function<String, Snapshots> engines,
                           Function<String, LeafFiles> files, Clock clock, Path scratch) {
        this.client = client;
        this.applier = applier;
        this.engines = engines;
        this.files = files;
        this.clock = clock;
        this.scratch = scratch;
    }

    /** What in a spec this region cannot back up, naming the field. */
    public static List<String> problems(DatabaseClusterSpec spec) {
        return spec == null ? List.of() : KubernetesBackups.destinationProblem(spec.backup()).stream().toList();
    }

    /** One cluster's pass, after core's step: starts what is due and returns the status saying how it stands. */
    public DatabaseClusterStatus pass(DatabaseCluster resource, OwnedCluster owned, String serving, DatabaseClusterSpec spec,
                                      DatabaseClusterStatus raw) {
        String key = owned.namespace() + "/" + owned.name();
        BackupCatalog catalog = catalogs.computeIfAbsent(key, k -> firstRead(owned));
        DatabaseClusterStatus previous = resource.getStatus();
        Optional<RestoreState> restore = catalog.restore();
        if (restore.isEmpty()) {
            restore = firstRestore(resource, previous, catalog);
        }
        if (restore.isPresent() && restore.get().stage() == RestoreState.Stage.Pending && raw != null
                && raw.phase() == Phase.Ready && running.add(key)) {
            RestoreState pending = restore.get();
            submit(key, () -> restore(owned, serving, spec, catalog, pending));
        } else if (restore.map(r -> r.stage() == RestoreState.Stage.Restored).orElse(true)) {
            String request = annotation(resource, KubernetesBackups.REQUEST_ANNOTATION);
            boolean asked = request != null && !request.equals(catalog.handledRequest());
            boolean due = ClusterBackups.scheduledDue(ClusterBackups.records(catalog, owned.name()), spec, raw, clock.instant());
            if ((asked || due) && running.add(key)) {
                if (asked) {
                    catalog.handled(request);
                }
                submit(key, () -> backups(owned, serving, catalog).backup(owned.name(), spec, raw, () -> topology(owned, serving, spec)));
            }
        }
        return BackupStatus.adjust(raw, previous, restore, catalog.lastFinished(), clock.instant());
    }

    /**
     * The catalog as this operator first sees it: what another operator (or this one before a restart) was running then
     * will not finish, and is said so rather than left in progress.
     */
    private BackupCatalog firstRead(OwnedCluster owned) {
        BackupCatalog catalog = BackupCatalog.read(client, applier, owned);
        for (var record : catalog.records()) {
            if (record.state() == dev.canopy.backup.BackupState.InProgress) {
                catalog.putRecord(record.failed(clock.instant(), "the operator stopped while the backup ran"));
            }
        }
        catalog.restore().filter(r -> r.stage() == RestoreState.Stage.Restoring).ifPresent(r -> catalog.restore(r.to(
                RestoreState.Stage.Failed, "the operator stopped while restoring; delete the cluster and create it again")));
        return catalog;
    }

    /** Whether a backup or restore of the cluster runs now: its pass should come again soon. */
    public boolean running(OwnedCluster owned) {
        return running.contains(owned.namespace() + "/" + owned.name());
    }

    /** The cluster is gone: its catalog went with it. */
    public void forget(OwnedCluster owned) {
        catalogs.remove(owned.namespace() + "/" + owned.name());
    }

    /**
     * A restore is started by the annotation only on a cluster being provisioned for the first time: once a cluster
     * has served, its tables are its own, and the annotation added later restores nothing (said in the log).
     */
    private Optional<RestoreState> firstRestore(DatabaseCluster resource, DatabaseClusterStatus previous, BackupCatalog catalog) {
        String json = annotation(resource, KubernetesBackups.RESTORE_FROM_ANNOTATION);
        if (json == null) {
            return Optional.empty();
        }
        if (previous != null && previous.release() != null) {
            LOG.warn("{}: annotation {} ignored: the cluster has served already, a restore is only made into a new cluster",
                    resource.getMetadata().getName(), KubernetesBackups.RESTORE_FROM_ANNOTATION);
            return Optional.empty();
        }
        RestoreState state;
        try {
            state = RestoreState.pending(BackupCatalog.restoreSource(json));
        } catch (IllegalArgumentException e) {
            state = new RestoreState(new RestoreSource("?", null), RestoreState.Stage.Failed, e.getMessage());
        }
        catalog.restore(state);
        return Optional.of(state);
    }

    private void restore(OwnedCluster owned, String serving, DatabaseClusterSpec spec, BackupCatalog catalog, RestoreState state) {
        catalog.restore(state.to(RestoreState.Stage.Restoring, null));
        try {
            String done = backups(owned, serving, catalog).restore(owned.name(), state.source(), spec, topology(owned, serving, spec));
            catalog.restore(state.to(RestoreState.Stage.Restored, done));
        } catch (RuntimeException e) {
            String why = ClusterBackups.reason(e);
            LOG.warn("{}/{}: restoring backup {} failed: {}", owned.namespace(), owned.name(), state.source().backup(), why);
            catalog.restore(state.to(RestoreState.Stage.Failed, why));
        }
    }

    private void submit(String key, Runnable job) {
        worker.execute(() -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: backup work failed: {}", key, ClusterBackups.reason(e), e);
            } finally {
                running.remove(key);
            }
        });
    }

    private ClusterBackups backups(OwnedCluster owned, String serving, BackupCatalog catalog) {
        Snapshots snapshots = new PodSnapshots(engines.apply(owned.namespace()), files.apply(owned.namespace()), serving);
        Path staging = scratch.resolve("staging");
        return new ClusterBackups(catalog, destinations(owned.namespace()), new BackupTaker(snapshots, staging, clock),
                new Restorer(snapshots, staging), clock, record -> { });
    }

    /** Named after the cluster (its records are), placed where its nodes run (after a blue/green upgrade, the other deployment). */
    private static Topology topology(OwnedCluster owned, String serving, DatabaseClusterSpec spec) {
        Map<NodeId, NodePlacement> placements = DesiredNodes.all(spec).stream()
                .collect(Collectors.toMap(node -> node, node -> KubernetesRuntime.placement(owned.namespace(), serving, node)));
        return new Topology(owned.name(), spec, placements);
    }

    /** S3 only (a directory would be on one machine), its keys from a Secret of the cluster's namespace. */
    private Function<BackupDestinationSpec, Destination> destinations(String namespace) {
        return spec -> {
            BackupSpec backup = new BackupSpec(null, null, spec);
            KubernetesBackups.destinationProblem(backup).ifPresent(problem -> {
                throw new IllegalStateException(problem);
            });
            return Destinations.open(backup, null, name -> credentials(namespace, name));
        };
    }

    private Optional<S3Credentials> credentials(String namespace, String name) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
            return Optional.empty();
        }
        return Optional.of(new S3Credentials(key(secret, KubernetesBackups.ACCESS_KEY_ID), key(secret, KubernetesBackups.SECRET_ACCESS_KEY)));
    }

    private static String key(Secret secret, String key) {
        String value = secret.getData() == null ? null : secret.getData().get(key);
        if (value == null && secret.getStringData() != null) {
            return secret.getStringData().get(key);
        }
        if (value == null) {
            throw new IllegalStateException("secret " + secret.getMetadata().getName() + " has no key " + key);
        }
        return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }

    private static String annotation(DatabaseCluster resource, String name) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(name);
    }

    @Override
    public void close() {
        BackupWorker.stop(worker);
    }
}

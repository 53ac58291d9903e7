package dev.canopy.operator;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.api.SpecValidator;
import dev.canopy.core.BlueGreen;
import dev.canopy.core.BlueGreenUpgrade;
import dev.canopy.core.ChangeCapture;
import dev.canopy.core.ChangeStreams;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.operator.backup.OperatorBackups;
import dev.canopy.runtime.kubernetes.KubernetesReplication;
import dev.canopy.core.Switchover;
import dev.canopy.core.Topology;
import dev.canopy.api.Endpoints;
import dev.canopy.runtime.kubernetes.SqlService;
import dev.canopy.runtime.kubernetes.KubernetesDeployments;
import dev.canopy.core.Engine;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.core.ReconcileResult;
import dev.canopy.core.ReleaseChanges;
import dev.canopy.core.StatusBuilder;
import dev.canopy.core.Step;
import dev.canopy.runtime.kubernetes.ApiErrors;
import dev.canopy.runtime.kubernetes.KubernetesRuntime;
import dev.canopy.runtime.kubernetes.LeafStorage;
import dev.canopy.runtime.kubernetes.OwnedCluster;
import dev.canopy.runtime.kubernetes.RuntimeSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.canopy.runtime.kubernetes.Labels;
import dev.canopy.runtime.kubernetes.ObjectNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * JOSDK's side of a pass: turns the DatabaseCluster into the Kubernetes runtime of this pass, lets core's reconciler
 * take one step, writes the status core computed, records an Event and a metric, and asks to be called again when core
 * says. Being a {@link Cleaner} puts a finalizer on every DatabaseCluster: deletion waits for {@link #cleanup}.
 */
// a pass at least every 30 s whatever happens: JOSDK stops retrying a failing pass after a few attempts, and a cluster
// at rest sends no event that would start one
@ControllerConfiguration(maxReconciliationInterval = @MaxReconciliationInterval(interval = 30, timeUnit = TimeUnit.SECONDS))
public final class DatabaseClusterReconciler implements Reconciler<DatabaseCluster>, Cleaner<DatabaseCluster> {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseClusterReconciler.class);
    static final String PHASE_METRIC = ReconcileMetrics.PHASE;

    private final KubernetesClient client;
    private final RuntimeSettings settings;
    private final NamespaceEngines engines;
    private final Clock clock;
    private final PlannerPolicy policy;
    private final ReconcileMetrics metrics;
    private final String instance;
    /** What each namespace's passes run with: its engine, and what of core keeps state across passes with it. */
    private final Map<String, Parts> parts = new ConcurrentHashMap<>();
    private final OperatorBackups backups;

    public DatabaseClusterReconciler(KubernetesClient client, RuntimeSettings settings, Engine engine, Clock clock,
                                     PlannerPolicy policy, MeterRegistry metrics, String instance, OperatorBackups backups) {
        this(client, settings, NamespaceEngines.sharing(client, clock, engine), clock, policy, metrics, instance, backups);
    }

    DatabaseClusterReconciler(KubernetesClient client, RuntimeSettings settings, NamespaceEngines engines, Clock clock,
                              PlannerPolicy policy, MeterRegistry metrics, String instance, OperatorBackups backups) {
        this.client = client;
        this.settings = settings;
        this.engines = engines;
        this.clock = clock;
        this.policy = policy;
        this.metrics = new ReconcileMetrics(metrics);
        this.instance = instance;
        this.backups = backups;
    }

    /**
     * A namespace's engine, with its change capture if it has one (with switch-over too, engine upgrades go
     * blue/green) and its replication.
     */
    private record Parts(Engine engine, ChangeCapture capture, BlueGreenUpgrade blueGreen, ClusterReplication replication,
                         SecretCredentials credentials) {
    }

    private Parts parts(String namespace) {
        return parts.computeIfAbsent(namespace, ns -> {
            NamespaceEngines.Namespace at = engines.of(ns);
            Engine engine = at.engine();
            ChangeCapture capture = engine instanceof ChangeCapture capturing ? capturing : null;
            BlueGreenUpgrade blueGreen = capture != null && engine instanceof Switchover switchover
                    ? new BlueGreenUpgrade(engine, capture, switchover, clock, BlueGreen.Policy.DEFAULTS) : null;
            return new Parts(engine, capture, blueGreen, new ClusterReplication(client, settings, engine, clock, at.credentials()),
                    at.credentials());
        });
    }

    /**
     * Pod changes (ready, not ready, deleted) start a pass at once: core waits on them at every step of a rollout, and
     * the passes it schedules itself would otherwise add a second or more to each.
     */
    @Override
    public List<EventSource<?, DatabaseCluster>> prepareEventSources(EventSourceContext<DatabaseCluster> context) {
        InformerEventSourceConfiguration<Pod> pods = InformerEventSourceConfiguration.from(Pod.class, DatabaseCluster.class)
                .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.MANAGER)
                .withSecondaryToPrimaryMapper(DatabaseClusterReconciler::clustersOf)
                .build();
        return List.of(new InformerEventSource<>(pods, context));
    }

    /**
     * The cluster a pod belongs to: its instance label names its deployment, which is the cluster's name, or the
     * cluster's name with the second deployment's suffix (green of a blue/green upgrade).
     */
    static Set<ResourceID> clustersOf(Pod pod) {
        String instance = pod.getMetadata().getLabels().get(Labels.INSTANCE);
        if (instance == null) {
            return Set.of();
        }
        String namespace = pod.getMetadata().getNamespace();
        String owner = OwnedCluster.clusterOf(instance);
        if (!owner.equals(instance)) {
            return Set.of(new ResourceID(instance, namespace), new ResourceID(owner, namespace));
        }
        return Set.of(new ResourceID(instance, namespace));
    }

    @Override
    public UpdateControl<DatabaseCluster> reconcile(DatabaseCluster resource, Context<DatabaseCluster> context) {
        String name = resource.getMetadata().getName();
        long generation = resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
        List<String> problems = new java.util.ArrayList<>(SpecValidator.validate(resource.getSpec()));
        Parts at = parts(resource.getMetadata().getNamespace());
        Engine engine = at.engine();
        ChangeCapture capture = at.capture();
        BlueGreenUpgrade blueGreen = at.blueGreen();
        ClusterReplication replication = at.replication();
        String firstDeploymentOf = OwnedCluster.clusterOf(name);
        if (!firstDeploymentOf.equals(name)
                && client.resources(DatabaseCluster.class).inNamespace(resource.getMetadata().getNamespace())
                .withName(firstDeploymentOf).get() != null) {
            // its objects would be the other cluster's second deployment's (where a blue/green upgrade builds green)
            problems.add("metadata.name: " + name + " is the name of the second deployment of the DatabaseCluster "
                    + firstDeploymentOf + " in this namespace; choose another name");
        }
        if (resource.getSpec() != null && resource.getSpec().replicaOf() != null) {
            problems.addAll(replication.problems(resource.getMetadata().getNamespace(), name, resource.getSpec().replicaOf()));
        }
        problems.addAll(OperatorBackups.problems(resource.getSpec()));
        if (resource.getSpec() != null) {
            problems.addAll(ReleaseChanges.problems(running(resource.getSpec(), resource.getStatus()), resource.getSpec()));
        }
        if (!problems.isEmpty()) {
            // the schema refuses most of this; what reaches here (an old object, a schema bypassed) is reported, not acted on
            return withStatus(resource, failed(resource.getStatus(), generation, "InvalidSpec",
                    String.join("; ", problems), clock.instant()), null);
        }
        OwnedCluster owned = OwnedCluster.of(resource);
        String namespace = resource.getMetadata().getNamespace();
        String key = NamespaceSources.key(namespace, name);
        KubernetesDeployments deployments = new KubernetesDeployments(client, settings, owned);
        KubernetesReplication replicationMaps = new KubernetesReplication(client, settings, owned);
        BlueGreenUpgrade.Cluster subject = new BlueGreenUpgrade.Cluster(key, name, generation, resource.getSpec(), resource.getStatus());
        Optional<BlueGreen.Progress> upgrade = blueGreen == null ? Optional.empty() : blueGreen.upgradeOf(subject, deployments);
        // a source streaming to a replica runs with change capture on, whatever its spec says
        DatabaseClusterSpec spec = ChangeStreams.sourceSpec(resource.getSpec(), replication.target(replicationMaps).isPresent());
        boolean specCaptures = capture != null && capture.capturesChanges(spec);
        KubernetesRuntime runtime = new KubernetesRuntime(client, settings, owned,
                owned.deployments().stream().filter(d -> specCaptures || deployments.capturingForUpgrade(d)).collect(Collectors.toSet()));
        String serving = deployments.serving(name);
        List<String> live = new ArrayList<>(List.of(serving));
        deployments.building().filter(green -> !green.equals(serving)).ifPresent(live::add);
        LeafStorage.Report storage = runtime.applyClusterObjects(serving, live);
        dev.canopy.core.Reconciler reconciler = new dev.canopy.core.Reconciler(runtime, engine, clock, policy);
        ReconcileResult result = upgrade.isPresent()
                ? blueGreen.pass(subject, upgrade.get(), new BlueGreenUpgrade.Site(reconciler, runtime, runtime, deployments))
                : reconciler.reconcile(serving, generation, spec, resource.getStatus());
        result = replication.pass(new ClusterReplication.Pass(key, owned, resource.getSpec(), serving, runtime, replicationMaps),
                spec, result, upgrade.isPresent() && upgrade.get().inProgress());
        result = withServiceEndpoint(result, owned, at.credentials().authentication(serving, false)
                ? ObjectNames.adminSecret(name) : null);
        result = withStorage(result, storage, resource.getStatus(), clock.instant());
        result = withBackups(result, resource, owned, serving);
        metrics.step(result.step());
        metrics.phase(resource.getMetadata().getNamespace(), resource.getMetadata().getName(), result.status().phase());
        if (StepEvent.worthRecording(result.step())) {
            recordEvent(resource, result.step());
        }
        StepEvent.blueGreenStepEntered(resource.getStatus() == null ? null : resource.getStatus().upgrade(),
                result.status().upgrade()).ifPresent(step -> recordEvent(resource, step));
        return withStatus(resource, result.status(), result);
    }

    /**
     * Clients connect through the SQL Service: its URL stays when the aggregators behind it change (a blue/green switch
     * moves it to another deployment's); the aggregators' own addresses are listed beside it.
     */
    private static ReconcileResult withServiceEndpoint(ReconcileResult result, OwnedCluster cluster, String credentialsSecret) {
        Endpoints endpoints = result.status().endpoints();
        if (endpoints == null) {
            return result;
        }
        Endpoints service = new Endpoints(Topology.jdbcUrl(List.of(SqlService.address(cluster))), endpoints.aggregators(),
                credentialsSecret);
        return new ReconcileResult(result.step(), result.status().withEndpoints(service), result.requeueAfter());
    }

    /** A restore's progress and the last backup's outcome; a pass soon again while one runs, to show its end. */
    private ReconcileResult withBackups(ReconcileResult result, DatabaseCluster resource, OwnedCluster owned, String serving) {
        DatabaseClusterStatus status = backups.pass(resource, owned, serving, resource.getSpec(), result.status());
        java.time.Duration next = backups.running(owned) && result.requeueAfter().compareTo(OperatorBackups.WHILE_RUNNING) > 0
                ? OperatorBackups.WHILE_RUNNING : result.requeueAfter();
        return new ReconcileResult(result.step(), status, next);
    }

    /**
     * Whether the leaves' volumes have the size the spec asks for, once they ever had to grow: claims not bound yet wait
     * (said so, the cluster is not Failed for it), a growth the API server refused is named in one line.
     */
    static ReconcileResult withStorage(ReconcileResult result, LeafStorage.Report storage, DatabaseClusterStatus previous,
                                       Instant now) {
        boolean reported = previous != null && previous.condition(Condition.STORAGE).isPresent();
        if (!storage.eventful() && !reported) {
            return result;
        }
        String reason = storage.complete() ? "VolumesGrown" : storage.refused().isEmpty() ? "WaitingForClaims" : "GrowthRefused";
        Condition condition = StatusBuilder.condition(previous, Condition.STORAGE, storage.complete(), reason, storage.summary(), now);
        return new ReconcileResult(result.step(), result.status().withCondition(condition), result.requeueAfter());
    }

    /**
     * A pass that failed before core could take its step (the API server refused a read or a write): the status says
     * so, and JOSDK retries.
     */
    @Override
    public ErrorStatusUpdateControl<DatabaseCluster> updateErrorStatus(DatabaseCluster resource, Context<DatabaseCluster> context,
                                                                      Exception e) {
        long generation = resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
        // one readable line: the log has the exception whole (JOSDK logs it), a 422's message alone is 3 KB
        resource.setStatus(failed(resource.getStatus(), generation, "ReconcileFailed", ApiErrors.oneLine(e), clock.instant()));
        statusOnly(resource);
        return ErrorStatusUpdateControl.patchStatus(resource);
    }

    private UpdateControl<DatabaseCluster> withStatus(DatabaseCluster resource, DatabaseClusterStatus status, ReconcileResult result) {
        resource.setStatus(status);
        statusOnly(resource);
        UpdateControl<DatabaseCluster> control = UpdateControl.patchStatus(resource);
        return result == null ? control : control.rescheduleAfter(result.requeueAfter().toMillis());
    }

    /**
     * Only the status is sent back: managedFields would make the patch conflict with other writers, and the resource
     * version of the informer's copy made about one pass in twenty fail with 409 on a real server (a user's edit, or
     * the pass's own previous write, in between) — its status lost, or worse, the error status of a mere conflict
     * written. The status has one writer, the leader: the last pass's word is the one to keep.
     */
    private static void statusOnly(DatabaseCluster resource) {
        resource.getMetadata().setManagedFields(null);
        resource.getMetadata().setResourceVersion(null);
    }

    /** The previous status in phase Failed, with a Ready condition that says why; counts and endpoints kept. */
    /**
     * The spec the cluster runs, as far as its status says, to compare the declared one with (the API server keeps no
     * earlier spec): the running release, and the leaves per availability group it was last reconciled with (the status
     * counts both groups'). Null before the cluster ran.
     */
    static DatabaseClusterSpec running(DatabaseClusterSpec declared, DatabaseClusterStatus status) {
        if (status == null || status.release() == null) {
            return null;
        }
        DatabaseClusterSpec running = declared.withRelease(status.release());
        if (status.leaves() == null || status.leaves().total() == 0) {
            return running;
        }
        LeavesSpec leaves = declared.leaves();
        return running.withLeaves(new LeavesSpec(status.leaves().total() / 2, leaves.height(), leaves.storageGB(),
                leaves.storageClass()));
    }

    static DatabaseClusterStatus failed(DatabaseClusterStatus previous, long generation, String reason, String why, Instant now) {
        DatabaseClusterStatus base = previous == null
                ? new DatabaseClusterStatus(null, List.of(), null, null, null, null, null, null) : previous;
        List<Condition> conditions = new ArrayList<>(base.conditions().stream()
                .filter(c -> !c.type().equals(Condition.READY)).toList());
        conditions.add(0, StatusBuilder.condition(previous, Condition.READY, false, reason, why, now));
        return new DatabaseClusterStatus(Phase.Failed, conditions, generation, base.aggregators(), base.leaves(),
                base.release(), base.endpoints(), base.upgrade());
    }

    private void recordEvent(DatabaseCluster resource, Step step) {
        try {
            client.v1().events().inNamespace(resource.getMetadata().getNamespace())
                    .resource(StepEvent.build(resource, step, clock.instant(), instance)).create();
        } catch (RuntimeException e) {
            // an Event is a courtesy: failing to write one must not fail the step that was already taken
            LOG.warn("{}: could not record an event for {}: {}", resource.getMetadata().getName(), step.reason(), e.getMessage());
        }
    }

    /**
     * Owner references make Kubernetes delete the StatefulSets, Services and the rest; the claims a StatefulSet made are
     * deleted here, unless the cluster asked to keep its volumes.
     */
    @Override
    public DeleteControl cleanup(DatabaseCluster resource, Context<DatabaseCluster> context) {
        OwnedCluster cluster = OwnedCluster.of(resource);
        parts(cluster.namespace()).replication().cleanup(cluster);
        parts(cluster.namespace()).credentials().forget(cluster.name());
        backups.forget(cluster);
        if (cluster.retainVolumes()) {
            LOG.info("{}/{}: deleted; its volumes are retained ({})", cluster.namespace(), cluster.name(),
                    OwnedCluster.RETAIN_VOLUMES_ANNOTATION);
        } else {
            new KubernetesRuntime(client, settings, cluster).deleteAllClaims();
            LOG.info("{}/{}: deleted with its volumes", cluster.namespace(), cluster.name());
        }
        metrics.forget(cluster.namespace(), cluster.name());
        return DeleteControl.defaultDelete();
    }
}

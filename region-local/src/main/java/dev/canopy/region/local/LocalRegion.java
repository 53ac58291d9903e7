package dev.canopy.region.local;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.core.Loops;
import dev.canopy.core.BlueGreen;
import dev.canopy.core.BlueGreenUpgrade;
import dev.canopy.core.ChangeCapture;
import dev.canopy.core.ChangeStreams;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.Engine;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodeObservation;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.core.ReconcileResult;
import dev.canopy.core.Reconciler;
import dev.canopy.core.Replication;
import dev.canopy.core.ReplicationTarget;
import dev.canopy.core.Snapshots;
import dev.canopy.core.Switchover;
import dev.canopy.core.Topology;
import dev.canopy.runtime.local.LocalRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The local region: every stored cluster reconciled in this process on local processes, by the same reconciler the
 * Kubernetes operator runs. Level-triggered: each pass reads the store afresh, so a spec the CLI changed is picked
 * up on the next pass.
 */
public final class LocalRegion implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRegion.class);
    static final Duration TICK = Duration.ofMillis(500);
    /** How often a replication source writes a heartbeat, by which its lag is measured. */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** The name the platform's one local region goes by (the control plane's). */
    public static final String DEFAULT_NAME = "local";

    private final ClusterStore store;
    private final LocalRuntime runtime;
    private final Reconciler reconciler;
    private final RegionListener listener;
    private final Clock clock;
    private final LocalBackups backups;
    private final Map<String, Instant> nextPass = new HashMap<>();
    private final Map<String, String> lastFailure = new HashMap<>();
    private final ChangeCapture captureEngine;
    /** Engine upgrades by blue/green, when the engine captures changes and can switch a cluster over; else none. */
    private final BlueGreenUpgrade blueGreen;
    private final LocalDeployments deployments;
    private final Engine engine;
    /** Replica clusters fed from their sources; none without change capture and switch-over in the engine. */
    private final ReplicaFeeds replicas;
    /** The source side of replication: the captures of the clusters that stream their changes; none without capture. */
    private final ChangeStreams streams;
    /** Clusters whose replication was turned on or off since their last pass: due now. */
    private final Set<String> replicationChanged = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("canopy-local-region").factory());

    public LocalRegion(ClusterStore store, LocalRuntime runtime, Engine engine, RegionListener listener, Clock clock) {
        this(store, runtime, engine, listener, clock, PlannerPolicy.DEFAULTS);
    }

    public LocalRegion(ClusterStore store, LocalRuntime runtime, Engine engine, RegionListener listener, Clock clock,
                       PlannerPolicy policy) {
        this(store, runtime, engine, listener, clock, policy, null);
    }

    /** @param snapshots the engine's snapshots, for backups and restores; none (null) leaves them out */
    public LocalRegion(ClusterStore store, LocalRuntime runtime, Engine engine, RegionListener listener, Clock clock,
                       PlannerPolicy policy, Snapshots snapshots) {
        this.backups = snapshots == null ? null : new LocalBackups(store, runtime, snapshots, clock);
        this.store = store;
        this.runtime = runtime;
        this.reconciler = new Reconciler(runtime, engine, clock, policy);
        this.captureEngine = engine instanceof ChangeCapture capturing ? capturing : null;
        this.blueGreen = captureEngine != null && engine instanceof Switchover switchover
                ? new BlueGreenUpgrade(engine, captureEngine, switchover, clock, BlueGreen.Policy.DEFAULTS)
                : null;
        this.deployments = new LocalDeployments(store, runtime);
        this.streams = captureEngine == null ? null : new ChangeStreams(captureEngine);
        this.engine = engine;
        this.replicas = captureEngine != null && engine instanceof Switchover switchover
                ? new ReplicaFeeds(DEFAULT_NAME, store, runtime, switchover, captureEngine, clock,
                name -> name.equals(DEFAULT_NAME) ? Optional.of(this) : Optional.empty())
                : null;
        this.listener = listener;
        this.clock = clock;
    }

    public void start() {
        // a status written before the platform stopped describes nodes that are gone: until the first pass says
        // otherwise, every cluster is being brought up again (but a damaged record, which is not brought up, and whose
        // status is the store's account of the damage)
        for (StoredCluster cluster : store.list()) {
            DatabaseClusterStatus old = cluster.status();
            if (old != null && old.phase() != Phase.Suspended && !cluster.damaged()) {
                store.writeStatus(cluster.name(), old.withPhase(Phase.Provisioning));
            }
        }
        loop.scheduleWithFixedDelay(this::passSafely, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        if (backups != null) {
            backups.start();
        }
    }

    /**
     * Names this region and tells it where the other local regions are, for replicas whose source is in another one
     * (in one JVM: tests and benchmarks run two local regions side by side).
     */
    public void regions(String ownName, Map<String, LocalRegion> others) {
        // the other regions' clusters log in with the secrets their own region keeps
        store.otherRegions(others.values().stream().map(other -> other.store).toList());
        if (replicas != null) {
            replicas.regions(name -> name.equals(ownName) ? Optional.of(this) : Optional.ofNullable(others.get(name)));
        }
    }

    /** The cluster's topology where its nodes run, for a replica's copy and comparison; empty when there is no such cluster. */
    public Optional<Topology> sourceTopology(String cluster) {
        return store.get(cluster).filter(c -> !c.deleting() && !c.damaged()).map(stored -> {
            String deployment = store.deployment(cluster);
            DatabaseClusterSpec spec = effectiveSpec(stored);
            return new Topology(deployment, spec, runtime.place(deployment, DesiredNodes.all(spec)));
        });
    }

    /** The cluster's last blue/green upgrade, current or done; empty when it never had one. */
    public Optional<BlueGreen.Progress> lastUpgrade(String cluster) {
        return deployments.progress(cluster);
    }

    /** Whether every declared leaf of the cluster runs with change capture on (its replicas may be copied). */
    public boolean capturing(String cluster) {
        Optional<Topology> topology = sourceTopology(cluster);
        if (topology.isEmpty() || captureEngine == null) {
            return false;
        }
        Map<NodeId, NodeObservation> nodes = runtime.observe(topology.get().cluster()).stream()
                .collect(Collectors.toMap(NodeObservation::node, Function.identity()));
        return Replication.leavesCapture(topology.get(), nodes, engine, captureEngine);
    }

    /** Where the cluster's changes stream to, if anywhere. */
    public Optional<ReplicationTarget> replicationTarget(String cluster) {
        return store.replication(cluster);
    }

    /**
     * The spec the cluster is reconciled at: the declared one, with change capture on while its changes stream to a
     * target (a replica) and the spec does not turn it on itself.
     */
    private DatabaseClusterSpec effectiveSpec(StoredCluster cluster) {
        return ChangeStreams.sourceSpec(cluster.spec(), captureEngine != null && store.replication(cluster.name()).isPresent());
    }

    /** The region's backups and restores; empty when it was made without the engine's snapshots. */
    public Optional<LocalBackups> backups() {
        return Optional.ofNullable(backups);
    }

    /**
     * Streams the cluster's changes to the target from now on: a change-data-capture process beside each of its
     * leaves, supervised like its nodes, started on the region's next pass. The cluster's spec must make it a
     * replication source (its leaves capture changes), or the state says why nothing streams. Kept in the store: a
     * restarted platform streams again, each capture from where it had committed.
     *
     * @return false when there is no such cluster
     */
    public boolean replicate(String cluster, ReplicationTarget target) {
        if (captureEngine == null) {
            throw new IllegalStateException("this region's engine has no change data capture");
        }
        boolean stored = store.writeReplication(cluster, Optional.of(target));
        replicationChanged.add(cluster);
        return stored;
    }

    /** Stops streaming the cluster's changes (on the next pass); what reached the target stays there. */
    public boolean stopReplicating(String cluster) {
        boolean stored = store.writeReplication(cluster, Optional.empty());
        replicationChanged.add(cluster);
        return stored;
    }

    /** What replication of the cluster does now, as of the last pass: e.g. "streaming to green from 2 of 2 leaves". */
    public Optional<String> replicationState(String cluster) {
        return streams == null ? Optional.empty() : streams.state(cluster);
    }

    /** The cluster this one streams its changes to, as of its last pass; empty while held, stopped or failing. */
    public Optional<String> streamsTo(String cluster) {
        return streams == null ? Optional.empty() : streams.streamsTo(cluster);
    }

    /**
     * How far behind the target is: now minus the source time up to which it holds every leaf's changes (see
     * {@link ChangeCapture#replicatedUpTo}); empty when the cluster is not replicated or no heartbeat went through yet.
     */
    public Optional<Duration> replicationLag(String cluster) {
        Optional<StoredCluster> stored = store.get(cluster).filter(c -> !c.damaged());
        if (captureEngine == null || stored.isEmpty() || store.replication(cluster).isEmpty()) {
            return Optional.empty();
        }
        String deployment = store.deployment(cluster);
        return stored.map(this::effectiveSpec).flatMap(spec -> captureEngine.replicatedUpTo(
                        new Topology(deployment, spec, runtime.place(deployment, DesiredNodes.all(spec)))))
                .map(upTo -> Duration.between(upTo, clock.instant()));
    }

    private void replicate(StoredCluster cluster) {
        if (captureEngine == null) {
            return;
        }
        String deployment = store.deployment(cluster.name());
        DatabaseClusterSpec spec = effectiveSpec(cluster);
        Topology topology = new Topology(deployment, spec, runtime.place(deployment, DesiredNodes.all(spec)));
        if (streams.pass(cluster.name(), topology, store.replication(cluster.name()), runtime, runtime)) {
            // the captures' lag is measured on the heartbeat: a source that streams is passed every second rather than
            // every 5 s at rest, so that the lag its replicas report trails the truth by a second, not five
            nextPass.merge(cluster.name(), clock.instant().plus(HEARTBEAT), (due, beat) -> due.isBefore(beat) ? due : beat);
        }
    }

    private void passSafely() {
        try {
            pass();
        } catch (RuntimeException e) {
            LOG.error("region pass failed: {}", e.getMessage(), e);
        }
    }

    /** One pass over every cluster that is due. */
    void pass() {
        Instant now = clock.instant();
        for (StoredCluster cluster : store.list()) {
            if (cluster.deleting()) {
                delete(cluster.name());
                continue;
            }
            if (cluster.damaged()) {
                // what it should be is unknown: it is left as it is until its file is repaired or its deletion asked for
                // (the store warned, and its status says so)
                continue;
            }
            Instant due = nextPass.getOrDefault(cluster.name(), Instant.MIN);
            boolean specChanged = cluster.status() == null || !Objects.equals(cluster.status().observedGeneration(), cluster.generation());
            if (now.isBefore(due) && !specChanged && !replicationChanged.remove(cluster.name())) {
                continue;
            }
            reconcile(cluster);
        }
    }

    private void reconcile(StoredCluster cluster) {
        try {
            BlueGreenUpgrade.Cluster subject = new BlueGreenUpgrade.Cluster(cluster.name(), cluster.name(), cluster.generation(),
                    cluster.spec(), cluster.status());
            Optional<BlueGreen.Progress> upgrade = blueGreen == null ? Optional.empty() : blueGreen.upgradeOf(subject, deployments);
            ReconcileResult result = upgrade.isPresent()
                    ? blueGreen.pass(subject, upgrade.get(), new BlueGreenUpgrade.Site(reconciler, runtime, runtime, deployments))
                    : reconciler.reconcile(store.deployment(cluster.name()), cluster.generation(), effectiveSpec(cluster), cluster.status());
            lastFailure.remove(cluster.name());
            if (result.step().acts()) {
                listener.stepTaken(cluster.name(), result.step());
            }
            DatabaseClusterStatus before = cluster.status();
            // clients keep the ports they know once the cluster's aggregators changed hands (a blue/green switch)
            runtime.keepEndpoints(cluster.name(), store.deployment(cluster.name()));
            DatabaseClusterStatus served = PublishedEndpoints.overlay(result.status(), cluster.spec(),
                    runtime.publishedEndpoints(cluster.name()));
            DatabaseClusterStatus fed = replicas == null ? served : replicas.pass(cluster, served);
            DatabaseClusterStatus status = backups == null ? fed : backups.observed(cluster.name(), fed, before);
            if (!status.equals(before)) {
                store.writeStatus(cluster.name(), status);
                listener.statusChanged(cluster.name(), before, status);
            }
            nextPass.put(cluster.name(), clock.instant().plus(result.requeueAfter()));
            if (upgrade.isEmpty() || !upgrade.get().inProgress()) {
                // during a blue/green upgrade the captures beside blue's leaves are the upgrade's
                replicate(cluster);
            }
        } catch (RuntimeException e) {
            failed(cluster.name(), "reconcile failed, retrying in 5 s", e);
            nextPass.put(cluster.name(), clock.instant().plusSeconds(5));
        }
    }

    private void failed(String cluster, String what, RuntimeException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (!message.equals(lastFailure.put(cluster, message))) {
            LOG.warn("{}: {}: {}", cluster, what, message, e);
            listener.failed(cluster, message);
        }
    }

    private void delete(String name) {
        // on its own, as a reconcile is: one cluster that cannot be deleted (its replica.json damaged) must not hold up
        // every other cluster's pass
        try {
            if (!lastFailure.containsKey(name)) {
                LOG.info("{}: deleting: stopping every node and removing its storage", name);
            }
            if (replicas != null) {
                // a replica going away: its source stops streaming to it
                store.replica(name).filter(p -> p.promotedAt() == null).ifPresent(p -> replicas.stopFeed(name, p));
            }
            if (streams != null) {
                streams.forget(name);
            }
            // the other deployment first: the cluster's own directory holds the region's files too
            ClusterStore.deployments(name).reversed().forEach(runtime::deleteCluster);
            nextPass.remove(name);
            lastFailure.remove(name);
            listener.deleted(name);
        } catch (RuntimeException e) {
            failed(name, "deleting failed, retrying on the next pass", e);
        }
    }

    /** Stops the loop, then every node (storage is kept, so the next start brings the same clusters back). */
    @Override
    public void close() {
        if (backups != null) {
            backups.close();
        }
        Loops.finishThenStop(loop, Duration.ofSeconds(30));
        runtime.close();
    }
}

package dev.canopy.operator;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.ReplicationStatus;
import dev.canopy.core.ChangeCapture;
import dev.canopy.core.ChangeStreams;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.Engine;
import dev.canopy.core.ReconcileResult;
import dev.canopy.core.ReplicaFeed;
import dev.canopy.core.ReplicaFeeder;
import dev.canopy.core.ReplicationTarget;
import dev.canopy.core.Switchover;
import dev.canopy.core.Topology;
import dev.canopy.runtime.kubernetes.CrossRegionEndpoint;
import dev.canopy.runtime.kubernetes.KubernetesReplication;
import dev.canopy.runtime.kubernetes.KubernetesRuntime;
import dev.canopy.runtime.kubernetes.ObjectNames;
import dev.canopy.runtime.kubernetes.OwnedCluster;
import dev.canopy.runtime.kubernetes.RuntimeSettings;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The operator's side of replication in a DatabaseCluster's pass, through core's {@link ChangeStreams} (as a source: its
 * captures stream to a replica) and {@link ReplicaFeeder} (as a replica: fed from a source of its namespace or of
 * another region), with the cross-region load balancer either side needs. Does nothing for an engine without change
 * capture and switch-over.
 */
final class ClusterReplication {
    private static final Duration EVERY_SECOND = Duration.ofSeconds(1);
    /** Said while a cluster reached from another region may not have its load balancer (see {@link CrossRegionEndpoint}). */
    static final String CROSS_REGION = "CrossRegionEndpoint";

    private final KubernetesClient client;
    private final RuntimeSettings settings;
    private final ChangeStreams streams;
    private final ReplicaFeeder feeder;
    // its clients of other regions live as long as the process: an operator reconciles until it exits
    private final RegionSources sources;
    private final Clock clock;

    /** @param credentials the logins of the namespace whose clusters' passes these are (its replicas' included) */
    ClusterReplication(KubernetesClient client, RuntimeSettings settings, Engine engine, Clock clock, SecretCredentials credentials) {
        this.client = client;
        this.clock = clock;
        this.settings = settings;
        ChangeCapture capture = engine instanceof ChangeCapture capturing ? capturing : null;
        boolean feeds = capture != null && engine instanceof Switchover;
        this.streams = feeds ? new ChangeStreams(capture) : null;
        this.feeder = feeds ? new ReplicaFeeder((Switchover) engine, capture, clock) : null;
        this.sources = feeds ? new RegionSources(client, settings, engine, capture, credentials, clock) : null;
    }

    /** One DatabaseCluster's pass as replication sees it: the deployment that serves, and where its nodes run. */
    record Pass(String key, OwnedCluster owned, DatabaseClusterSpec declared, String serving, KubernetesRuntime runtime,
                KubernetesReplication replication) {
        String namespace() {
            return owned.namespace();
        }

        String name() {
            return owned.name();
        }
    }

    /** Where the cluster's changes stream to (a replica asked for them); empty when nowhere or without capture. */
    Optional<ReplicationTarget> target(KubernetesReplication replication) {
        return streams == null ? Optional.empty() : replication.target();
    }

    /**
     * What the operator cannot do with a replica's {@code replicaOf}: its source must be a DatabaseCluster of the same
     * namespace, or of a region whose Kubernetes API it can reach, another one than itself, and the engine must capture
     * changes and switch over.
     */
    List<String> problems(String namespace, String name, ReplicaOfSpec of) {
        if (feeder == null) {
            return List.of("spec.replicaOf: this operator's engine has no change capture and switch-over: nothing would feed"
                    + " the replica");
        }
        if (of.region() != null) {
            return sources.problem(namespace, of.region()).map(p -> List.of("spec.replicaOf.region: " + p)).orElse(List.of());
        }
        if (of.cluster().equals(name)) {
            return List.of("spec.replicaOf.cluster: names this cluster itself; a replica is fed from another cluster");
        }
        return List.of();
    }

    /**
     * After the cluster's own step: as a source, its captures made to match where it streams (not while a blue/green
     * upgrade of it runs: the captures beside blue's leaves are the upgrade's); its cross-region load balancer opened or
     * closed; as a replica, one move of its feed, written into its status.
     *
     * @param spec the spec reconciled (capture on while it streams)
     */
    ReconcileResult pass(Pass pass, DatabaseClusterSpec spec, ReconcileResult result, boolean upgrading) {
        if (feeder == null) {
            return result;
        }
        if (!upgrading) {
            Optional<ReplicationTarget> streamTo = pass.replication().target();
            Topology source = new Topology(pass.serving(), spec, pass.runtime().place(pass.serving(), DesiredNodes.all(spec)));
            boolean streaming = streams.pass(pass.key(), source, streamTo, pass.runtime(), pass.runtime());
            // read by its replicas' passes, whichever operator runs them (a replica in another region has another)
            pass.replication().streamsTo(streaming ? streamTo.map(ReplicationTarget::cluster) : Optional.empty());
            if (streaming) {
                // the lag is measured on the heartbeat each pass sends: a pass a second keeps it a second fresh
                result = sooner(result, EVERY_SECOND);
            }
        }
        Optional<ReplicaFeed.Progress> fedAs = pass.replication().load(pass.name());
        ReplicaOfSpec of = pass.declared().replicaOf();
        boolean remoteReplica = of != null ? of.region() != null
                : fedAs.filter(p -> p.promotedAt() == null && !p.sourceRegion().equals(pass.namespace())).isPresent();
        CrossRegionEndpoint endpoint = new CrossRegionEndpoint(client, settings, pass.owned());
        Optional<String> reachable = Optional.empty();
        if ((remoteReplica || pass.replication().acrossRegions()) && !CrossRegionEndpoint.allowed(pass.owned())) {
            // no load balancer open to the whole internet by default: the spec names who may come
            endpoint.withdraw();
            result = new ReconcileResult(result.step(), result.status().withCondition(sourceRangesMissing(pass)),
                    result.requeueAfter());
        } else if (remoteReplica || pass.replication().acrossRegions()) {
            reachable = endpoint.expose(pass.serving());
        } else if (pass.replication().everReplicated()) {
            // not a request per pass for every cluster: only one that replicated can have the Service
            endpoint.withdraw();
        }
        if (of == null && fedAs.isEmpty()) {
            return result;
        }
        Topology target = new Topology(pass.serving(), pass.declared(),
                pass.runtime().place(pass.serving(), DesiredNodes.all(pass.declared())));
        ReplicaFeeder.Replica replica = remoteReplica && reachable.isPresent()
                ? new ReplicaFeeder.Replica(pass.key(), pass.name(), pass.declared(), target, List.of(reachable.get()))
                : new ReplicaFeeder.Replica(pass.key(), pass.name(), pass.declared(), target);
        DatabaseClusterStatus fed = remoteReplica && reachable.isEmpty() && of != null
                ? result.status().withReplication(awaitingAddress(of, pass.name()))
                : feeder.pass(replica, result.status(), pass.namespace(), sources.of(pass.namespace()), pass.replication());
        result = new ReconcileResult(result.step(), fed, result.requeueAfter());
        if (fed.replication() != null && fed.replication().promotedAt() == null
                && !fed.replication().state().startsWith(ReplicaFeed.STREAMING)
                && !fed.replication().state().startsWith(ReplicaFeed.WAITING)) {
            // while the feed moves (capture, copy, release, promotion) each step waits on the source's passes or on a
            // copy: asked again every second; streaming or waiting, the usual interval (each pass reads the source's
            // objects and the lag)
            result = sooner(result, EVERY_SECOND);
        }
        return result;
    }

    /**
     * The cluster is deleted: as a replica, its source stops streaming to it and is released (a promoted one no longer
     * keeps it fenced); as a source, its captures go with its owned objects.
     */
    void cleanup(OwnedCluster cluster) {
        if (feeder == null) {
            return;
        }
        new KubernetesReplication(client, settings, cluster).load(cluster.name())
                .filter(p -> p.promotedAt() == null || (Boolean.TRUE.equals(p.sourceFenced()) && p.failedBackAt() == null))
                .ifPresent(p -> feeder.stopFeed(cluster.name(), p, sources.of(cluster.namespace())));
        streams.forget(NamespaceSources.key(cluster.namespace(), cluster.name()));
    }

    /**
     * A replica of another region, before it is fed: its source's change captures reach it only through its load
     * balancer, which has no address yet.
     */
    /** Why no load balancer was opened for a cluster reached from another region. */
    private Condition sourceRangesMissing(Pass pass) {
        return new Condition(CROSS_REGION, Condition.FALSE, "SourceRangesMissing", "the cluster is reached from another"
                + " region through a load balancer, which is not opened until the spec says who may reach it: give"
                + " spec.crossRegion.sourceRanges (the other region's addresses, as CIDRs) or spec.crossRegion.anySource: true",
                clock.instant().toString());
    }

    private static ReplicationStatus awaitingAddress(ReplicaOfSpec of, String name) {
        return new ReplicationStatus(of.region() + "/" + of.cluster(), ReplicaFeed.WAITING + ": for an address of the load"
                + " balancer of Service " + ObjectNames.crossRegionService(name) + ", where the change captures of region "
                + of.region() + " reach this replica", null, null, null, null, null);
    }

    private static ReconcileResult sooner(ReconcileResult result, Duration at) {
        return at.compareTo(result.requeueAfter()) < 0 ? new ReconcileResult(result.step(), result.status(), at) : result;
    }
}

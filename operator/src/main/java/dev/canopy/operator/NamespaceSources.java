package dev.canopy.operator;

import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.core.BlueGreen;
import dev.canopy.core.ChangeCapture;
import dev.canopy.core.ChangeStreams;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.Engine;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodeObservation;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.ReplicaSource;
import dev.canopy.core.Replication;
import dev.canopy.core.ReplicationTarget;
import dev.canopy.core.Topology;
import dev.canopy.runtime.kubernetes.AdminCredentialsSecret;
import dev.canopy.runtime.kubernetes.CrossRegionEndpoint;
import dev.canopy.runtime.kubernetes.KubernetesDeployments;
import dev.canopy.runtime.kubernetes.KubernetesReplication;
import dev.canopy.runtime.kubernetes.KubernetesRuntime;
import dev.canopy.runtime.kubernetes.OwnedCluster;
import dev.canopy.runtime.kubernetes.RuntimeSettings;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Replicas' sources among the DatabaseClusters of one namespace of one Kubernetes cluster, read through
 * {@code client}: the replica's own namespace (its captures reach the replica through the cluster's network), or the
 * namespace of another region (see {@link #findFromAnotherRegion}).
 */
final class NamespaceSources {
    private final KubernetesClient client;
    private final RuntimeSettings settings;
    private final Engine engine;
    private final ChangeCapture capture;
    private final Function<String, Optional<AdminCredentialsSecret.Login>> replicaLogins;

    /**
     * @param replicaLogins the login of a replica (by name) that a source's captures stream to, from the replicas'
     *                      namespace; empty when it runs without authentication
     */
    NamespaceSources(KubernetesClient client, RuntimeSettings settings, Engine engine, ChangeCapture capture,
                     Function<String, Optional<AdminCredentialsSecret.Login>> replicaLogins) {
        this.client = client;
        this.settings = settings;
        this.engine = engine;
        this.capture = capture;
        this.replicaLogins = replicaLogins;
    }

    /** How the operator tells clusters apart (in logs, and in the streams it remembers). */
    static String key(String namespace, String cluster) {
        return namespace + "/" + cluster;
    }

    /** The source as a replica of the same Kubernetes cluster reaches it: at its pods' own addresses. */
    Optional<ReplicaSource> find(String namespace, String cluster) {
        return resolve(namespace, cluster).map(source -> source);
    }

    /**
     * The source as a replica in another Kubernetes cluster reaches it: marked as fed across regions (its operator then
     * opens its {@link CrossRegionEndpoint}), every node at that endpoint's address; empty until a load balancer gave
     * the endpoint an address, which {@code unreachable} is told.
     */
    Optional<ReplicaSource> findFromAnotherRegion(String namespace, String cluster, String region, Runnable unreachable) {
        Optional<Source> found = resolve(namespace, cluster);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        found.get().replication.acrossRegions(true);
        Optional<String> address = new CrossRegionEndpoint(client, settings, found.get().owned).address();
        if (address.isEmpty()) {
            unreachable.run();
            return Optional.empty();
        }
        return Optional.of(found.get().reachedAt(address.get(), region));
    }

    private Optional<Source> resolve(String namespace, String cluster) {
        DatabaseCluster resource = client.resources(DatabaseCluster.class).inNamespace(namespace).withName(cluster).get();
        if (resource == null || resource.getSpec() == null || resource.getMetadata().getDeletionTimestamp() != null) {
            return Optional.empty();
        }
        OwnedCluster owned = OwnedCluster.of(resource);
        KubernetesReplication replication = new KubernetesReplication(client, settings, owned);
        DatabaseClusterSpec spec = ChangeStreams.sourceSpec(resource.getSpec(), replication.target().isPresent());
        KubernetesDeployments deployments = new KubernetesDeployments(client, settings, owned);
        String serving = deployments.serving(cluster);
        KubernetesRuntime runtime = new KubernetesRuntime(client, settings, owned);
        Topology topology = new Topology(serving, spec, runtime.place(serving, DesiredNodes.all(spec)));
        return Optional.of(new Source(owned, topology, topology, topology, runtime, replication, deployments));
    }

    /** A DatabaseCluster as a replica's source, read at the replica's pass. */
    private final class Source implements ReplicaSource {
        private final OwnedCluster owned;
        /** Its nodes at their pods' addresses, as its own operator renders and observes them. */
        private final Topology pods;
        /**
         * The same, named as the replica's engine knows it: another region's source by
         * {@link SecretCredentials#remoteName}, so that the engine's calls log in with the source's login, not with that
         * of a cluster of the replica's namespace that has the source's name.
         */
        private final Topology podsForEngine;
        /** Its nodes where the replica's operator reaches them (named as {@link #podsForEngine}). */
        private final Topology topology;
        private final KubernetesRuntime runtime;
        private final KubernetesReplication replication;
        /** Which deployment serves and its last blue/green upgrade: one read of its upgrade ConfigMap. */
        private final KubernetesDeployments deployments;

        Source(OwnedCluster owned, Topology pods, Topology podsForEngine, Topology topology, KubernetesRuntime runtime,
               KubernetesReplication replication, KubernetesDeployments deployments) {
            this.owned = owned;
            this.pods = pods;
            this.podsForEngine = podsForEngine;
            this.topology = topology;
            this.runtime = runtime;
            this.replication = replication;
            this.deployments = deployments;
        }

        /**
         * The same source with every node at {@code address} (host:port): its cross-region endpoint, named for the
         * engine as a source of {@code region}.
         */
        Source reachedAt(String address, String region) {
            int colon = address.lastIndexOf(':');
            String host = address.substring(0, colon);
            int port = Integer.parseInt(address.substring(colon + 1));
            Map<NodeId, NodePlacement> placements = pods.placements().values().stream()
                    .map(p -> new NodePlacement(p.node(), host, p.discoveryPort(), p.communicationPort(), port, p.workDirectory()))
                    .collect(Collectors.toMap(NodePlacement::node, Function.identity()));
            String named = SecretCredentials.remoteName(region, pods.cluster());
            return new Source(owned, pods, new Topology(named, pods.spec(), pods.placements()),
                    new Topology(named, pods.spec(), placements), runtime, replication, deployments);
        }

        @Override
        public Topology topology() {
            return topology;
        }

        @Override
        public Optional<String> lastUpgradeStartedAt() {
            return lastUpgrade().map(BlueGreen.Progress::startedAt);
        }

        @Override
        public boolean upgrading() {
            return lastUpgrade().filter(BlueGreen.Progress::inProgress).isPresent();
        }

        private Optional<BlueGreen.Progress> lastUpgrade() {
            return deployments.progress(owned.name());
        }

        @Override
        public boolean capturing() {
            Map<NodeId, NodeObservation> nodes = runtime.observe(pods.cluster()).stream()
                    .collect(Collectors.toMap(NodeObservation::node, Function.identity()));
            // every leaf's pod itself, not only its StatefulSet, must run the capturing launch: a copy taken while a leaf
            // still runs without capture would miss that leaf's writes until it restarts
            return Replication.leavesCapture(podsForEngine, nodes, engine, capture) && DesiredNodes.leaves(pods.spec()).stream()
                    .allMatch(leaf -> runtime.podRuns(pods.cluster(), leaf, engine.render(podsForEngine, leaf).fingerprint()));
        }

        @Override
        public Optional<String> streamsTo() {
            return replication.streamsTo();
        }

        @Override
        public Optional<ReplicationTarget> replicationTarget() {
            return replication.target();
        }

        /** The replica's login first: the captures started for the target read it when they start. */
        @Override
        public void replicate(ReplicationTarget target) {
            replication.replicaLogin(target.cluster(), replicaLogins.apply(target.cluster()));
            replication.target(Optional.of(target));
        }

        @Override
        public void stopReplicating() {
            replication.target(Optional.empty());
            replication.forgetReplicaLogin();
        }

        @Override
        public void release() {
            replication.acrossRegions(false);
        }
    }
}

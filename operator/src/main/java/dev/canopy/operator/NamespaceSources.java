package dev.canopy.operator;

import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.core.ChangeCapture;
import dev.canopy.core.ChangeStreams;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.Engine;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodeObservation;
import dev.canopy.core.ReplicaFeeder;
import dev.canopy.core.ReplicaSource;
import dev.canopy.core.Replication;
import dev.canopy.core.ReplicationTarget;
import dev.canopy.core.Topology;
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
 * A replica's sources as the operator finds them: DatabaseClusters of the replica's own namespace (what a replica names
 * as the source's region is, here, that namespace: the operator sees one Kubernetes cluster, and the source's captures
 * reach the replica's aggregators through the cluster's network).
 */
final class NamespaceSources implements ReplicaFeeder.Sources {
    private final KubernetesClient client;
    private final RuntimeSettings settings;
    private final Engine engine;
    private final ChangeCapture capture;
    private final ChangeStreams streams;

    NamespaceSources(KubernetesClient client, RuntimeSettings settings, Engine engine, ChangeCapture capture, ChangeStreams streams) {
        this.client = client;
        this.settings = settings;
        this.engine = engine;
        this.capture = capture;
        this.streams = streams;
    }

    /** How the operator tells clusters apart (in logs, and in the streams it remembers). */
    static String key(String namespace, String cluster) {
        return namespace + "/" + cluster;
    }

    @Override
    public Optional<ReplicaSource> find(String namespace, String cluster) {
        DatabaseCluster resource = client.resources(DatabaseCluster.class).inNamespace(namespace).withName(cluster).get();
        if (resource == null || resource.getSpec() == null || resource.getMetadata().getDeletionTimestamp() != null) {
            return Optional.empty();
        }
        OwnedCluster owned = OwnedCluster.of(resource);
        KubernetesReplication replication = new KubernetesReplication(client, settings, owned);
        DatabaseClusterSpec spec = ChangeStreams.sourceSpec(resource.getSpec(), replication.target().isPresent());
        String serving = new KubernetesDeployments(client, settings, owned).serving(cluster);
        KubernetesRuntime runtime = new KubernetesRuntime(client, settings, owned);
        Topology topology = new Topology(serving, spec, runtime.place(serving, DesiredNodes.all(spec)));
        return Optional.of(new Source(key(namespace, cluster), topology, runtime, replication));
    }

    /** A DatabaseCluster as a replica's source, read at the replica's pass. */
    private final class Source implements ReplicaSource {
        private final String key;
        private final Topology topology;
        private final KubernetesRuntime runtime;
        private final KubernetesReplication replication;

        Source(String key, Topology topology, KubernetesRuntime runtime, KubernetesReplication replication) {
            this.key = key;
            this.topology = topology;
            this.runtime = runtime;
            this.replication = replication;
        }

        @Override
        public Topology topology() {
            return topology;
        }

        @Override
        public boolean capturing() {
            Map<NodeId, NodeObservation> nodes = runtime.observe(topology.cluster()).stream()
                    .collect(Collectors.toMap(NodeObservation::node, Function.identity()));
            // every leaf's pod itself, not only its StatefulSet, must run the capturing launch: a copy taken while a leaf
            // still runs without capture would miss that leaf's writes until it restarts
            return Replication.leavesCapture(topology, nodes, engine, capture) && DesiredNodes.leaves(topology.spec()).stream()
                    .allMatch(leaf -> runtime.podRuns(topology.cluster(), leaf, engine.render(topology, leaf).fingerprint()));
        }

        @Override
        public Optional<String> streamsTo() {
            return streams.streamsTo(key);
        }

        @Override
        public Optional<ReplicationTarget> replicationTarget() {
            return replication.target();
        }

        @Override
        public void replicate(ReplicationTarget target) {
            replication.target(Optional.of(target));
        }

        @Override
        public void stopReplicating() {
            replication.target(Optional.empty());
        }
    }
}

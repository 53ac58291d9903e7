package dev.canopy.operator;

import dev.canopy.engine.ignite.ClusterCredentials;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.EngineSetting;
import dev.canopy.core.ChangeCapture;
import dev.canopy.core.Engine;
import dev.canopy.core.EngineView;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodeLaunch;
import dev.canopy.core.Switchover;
import dev.canopy.core.Topology;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.canopy.runtime.kubernetes.Labels;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake engine with change capture and switch-over, for the operator's blue/green wiring without Ignite (the real
 * copy, stream, fence and digests are tested against real nodes in engine-ignite and region-local). Nodes join as in
 * {@link PodReadinessEngine}; a change of engine settings changes a node's fingerprint (so turning capture on rolls the
 * leaves, as with the real engine); the copy and the fence are recorded, with what the test needs to see of the pods
 * at that moment; every table of green has blue's digest once it was copied.
 */
final class BlueGreenFakeEngine implements Engine, ChangeCapture, Switchover {
    private final PodReadinessEngine nodes;
    private final KubernetesClient client;
    private final String namespace;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Set<String> fenced = ConcurrentHashMap.newKeySet();
    private final Set<String> filled = ConcurrentHashMap.newKeySet();
    private final Set<String> behind = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failingCopies = new AtomicInteger();
    /** At the copy: the containers of each of the source's leaf pods. */
    private final Map<String, List<String>> containersAtCopy = new ConcurrentHashMap<>();
    /** The addresses the copy and the fence reached each cluster at, by cluster. */
    private final Map<String, Set<String>> reachedAt = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> passwords = new ConcurrentHashMap<>();
    private volatile ClusterCredentials logins;

    BlueGreenFakeEngine(KubernetesClient client, String namespace) {
        this.nodes = new PodReadinessEngine(client, namespace);
        this.client = client;
        this.namespace = namespace;
    }

    @Override
    public NodeLaunch render(Topology topology, NodeId node) {
        NodeLaunch launch = nodes.render(topology, node);
        String fingerprint = Integer.toHexString((launch.fingerprint() + topology.spec().config()).hashCode());
        return new NodeLaunch(launch.release(), launch.jvmOptions(), launch.files(), launch.arguments(), fingerprint);
    }

    @Override
    public EngineView observe(Topology topology) {
        return nodes.observe(topology);
    }

    @Override
    public void activate(Topology topology) {
        nodes.activate(topology);
    }

    @Override
    public void setBaseline(Topology topology, Set<String> leaves) {
        nodes.setBaseline(topology, leaves);
    }

    @Override
    public boolean sqlAnswers(Topology topology, NodeId aggregator) {
        return nodes.sqlAnswers(topology, aggregator);
    }

    @Override
    public boolean capturesChanges(DatabaseClusterSpec spec) {
        return spec.config().containsKey(EngineSetting.cdcWalForceArchiveTimeoutMs.name());
    }

    @Override
    public String notCapturingReason() {
        return "spec.config." + EngineSetting.cdcWalForceArchiveTimeoutMs.name() + " is not set";
    }

    @Override
    public NodeLaunch renderCapture(Topology source, NodeId leaf, List<String> targetAddresses) {
        String xml = "<capture leaf=\"" + leaf.name() + "\" to=\"" + String.join(",", targetAddresses) + "\"/>";
        return new NodeLaunch(source.spec().release(), List.of(), Map.of("capture.xml", xml), List.of("capture.xml"),
                Integer.toHexString(xml.hashCode()));
    }

    @Override
    public void heartbeat(Topology source) {
    }

    @Override
    public Optional<Instant> replicatedUpTo(Topology source) {
        return Optional.of(Instant.now().minusMillis(100));
    }

    @Override
    public List<String> copySchema(Topology source, Topology target) {
        calls.add("copySchema " + source.cluster() + " -> " + target.cluster());
        reached(source);
        if (failingCopies.getAndDecrement() > 0) {
            throw new IllegalStateException("connection refused by " + target.cluster() + "'s aggregators");
        }
        for (Pod pod : client.pods().inNamespace(namespace).withLabels(Labels.cluster(source.cluster())).list().getItems()) {
            if ("leaf".equals(pod.getMetadata().getLabels().get(Labels.COMPONENT))) {
                containersAtCopy.put(pod.getMetadata().getName(), pod.getSpec().getContainers().stream().map(Container::getName).toList());
            }
        }
        return List.of("PUBLIC.ACCOUNTS");
    }

    @Override
    public Map<String, Long> copyRows(Topology source, Topology target) {
        calls.add("copyRows " + source.cluster() + " -> " + target.cluster());
        filled.add(target.cluster());
        return Map.of("PUBLIC.ACCOUNTS", 10L);
    }

    @Override
    public Map<String, TableDigest> digest(Topology cluster) {
        boolean holdsBluesRows = !behind.contains(cluster.cluster())
                && (filled.contains(cluster.cluster()) || fenced.contains(cluster.cluster()));
        return Map.of("PUBLIC.ACCOUNTS", new TableDigest(10, holdsBluesRows ? 42 : 0));
    }

    /** The next {@code count} copies fail at their start. */
    void failNextCopies(int count) {
        failingCopies.set(count);
    }

    /** The cluster never gets the rows of the cluster it is fed from: its digest always differs. */
    void neverCatchesUp(String cluster) {
        behind.add(cluster);
    }

    @Override
    public void fence(Topology cluster) {
        calls.add("fence " + cluster.cluster());
        reached(cluster);
        fenced.add(cluster.cluster());
    }

    @Override
    public void unfence(Topology cluster) {
        calls.add("unfence " + cluster.cluster());
        fenced.remove(cluster.cluster());
    }

    @Override
    public boolean fenced(Topology cluster) {
        return fenced.contains(cluster.cluster());
    }

    /** This engine, logging in with {@code credentials} (a namespace's, as the operator makes them). */
    BlueGreenFakeEngine over(ClusterCredentials credentials) {
        this.logins = credentials;
        return this;
    }

    /** The password each copy or fence of the cluster logged in with, as the real engine would: its login's. */
    Set<String> passwordsUsedFor(String cluster) {
        return Set.copyOf(passwords.getOrDefault(cluster, Set.of()));
    }

    private void reached(Topology cluster) {
        ClusterCredentials credentials = logins;
        if (credentials != null && credentials.authentication(cluster.cluster(), false)) {
            passwords.computeIfAbsent(cluster.cluster(), c -> ConcurrentHashMap.newKeySet())
                    .add(credentials.admin(cluster.cluster()).password());
        }
        reachedAt.computeIfAbsent(cluster.cluster(), c -> ConcurrentHashMap.newKeySet())
                .addAll(cluster.placements().values().stream().map(dev.canopy.core.NodePlacement::sqlAddress).toList());
    }

    /** Every address a copy or a fence reached the cluster at. */
    Set<String> reachedAt(String cluster) {
        return Set.copyOf(reachedAt.getOrDefault(cluster, Set.of()));
    }

    List<String> calls() {
        return List.copyOf(calls);
    }

    Map<String, List<String>> containersAtCopy() {
        return Map.copyOf(containersAtCopy);
    }
}

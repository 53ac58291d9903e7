package dev.canopy.region.local;

import dev.canopy.core.BlueGreen;
import dev.canopy.core.Deployments;
import dev.canopy.core.Topology;
import dev.canopy.runtime.local.LocalRuntime;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A local cluster's two deployments ({@link ClusterStore#deployments}): which one serves and the upgrade's progress are
 * files of the store; the client endpoint is the ports the runtime forwards to the serving deployment's aggregators.
 */
final class LocalDeployments implements Deployments {
    /** How long blue's fenced aggregators get to stop before they are killed, when the clients move to green. */
    static final Duration BLUE_AGGREGATOR_GRACE = Duration.ofSeconds(2);
    private final ClusterStore store;
    private final LocalRuntime runtime;

    LocalDeployments(ClusterStore store, LocalRuntime runtime) {
        this.store = store;
        this.runtime = runtime;
    }

    @Override
    public String serving(String cluster) {
        return store.deployment(cluster);
    }

    @Override
    public String other(String cluster) {
        String serving = store.deployment(cluster);
        return ClusterStore.deployments(cluster).stream().filter(d -> !d.equals(serving)).findFirst().orElseThrow();
    }

    @Override
    public Optional<BlueGreen.Progress> progress(String cluster) {
        return store.blueGreen(cluster);
    }

    @Override
    public void saveProgress(String cluster, BlueGreen.Progress progress) {
        store.writeBlueGreen(cluster, progress);
    }

    /**
     * The cluster's endpoint (the ports its clients know) now forwards to green's aggregators. The first time, those are
     * blue's aggregators' own ports: blue's aggregators stop first to free them (fenced, they served reads only).
     * Afterwards the forwarders already serve them and are pointed at green, closing the connections to blue so that
     * clients reconnect.
     */
    @Override
    public void moveClients(String cluster, Topology blue, Topology green) {
        Map<String, Integer> first = new TreeMap<>();
        if (runtime.publishedEndpoints(cluster).isEmpty()) {
            blue.aggregators().forEach(p -> first.put(p.node().name(), p.sqlPort()));
            // every write waits for this: an aggregator holds no data, and one login it could not check (the engine
            // waits for a leaf's answer with no timeout) held a graceful stop for the whole 20 s
            blue.aggregators().forEach(p -> runtime.stop(blue.cluster(), p.node(), BLUE_AGGREGATOR_GRACE));
        }
        runtime.publishEndpoints(cluster, green.cluster(), first);
        store.writeDeployment(cluster, green.cluster());
    }

    @Override
    public void retire(String deployment) {
        runtime.retire(deployment);
    }
}

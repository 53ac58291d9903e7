package dev.canopy.operator;

import dev.canopy.core.ChangeCapture;
import dev.canopy.core.Engine;
import dev.canopy.core.ReplicaFeeder;
import dev.canopy.core.ReplicaSource;
import dev.canopy.runtime.kubernetes.ObjectNames;
import dev.canopy.runtime.kubernetes.RuntimeSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A replica's sources as the operator finds them. A {@code replicaOf} without a region names a DatabaseCluster of the
 * replica's own namespace (the feeder gets the namespace as the replica's region); with one, a DatabaseCluster of
 * another region's Kubernetes cluster, reached through {@link RegionClients}, whose captures reach the replica through
 * load balancers on both sides.
 */
final class RegionSources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegionSources.class);

    private final NamespaceSources local;
    private final RegionClients regions;
    private final RuntimeSettings settings;
    private final Engine engine;
    private final ChangeCapture capture;
    private final SecretCredentials credentials;
    private final Clock clock;
    /** The logins of each other region's namespace, by the client that reaches it (made again with its kubeconfig). */
    private final Map<KubernetesClient, SecretCredentials> remoteCredentials = new ConcurrentHashMap<>();
    /** Sources found without an address another region reaches: said once each, at INFO. */
    private final Set<String> awaitingAddress = ConcurrentHashMap.newKeySet();

    /**
     * @param credentials the replicas' namespace's logins: the replicas' own, kept beside their sources, and the sources'
     *                    of other regions, reached through it under {@link SecretCredentials#remoteName}
     */
    RegionSources(KubernetesClient client, RuntimeSettings settings, Engine engine, ChangeCapture capture,
                  SecretCredentials credentials, Clock clock) {
        this.local = new NamespaceSources(client, settings, engine, capture, credentials::replicaLogin);
        this.regions = new RegionClients(client);
        this.settings = settings;
        this.engine = engine;
        this.capture = capture;
        this.credentials = credentials;
        this.clock = clock;
    }

    /** The sources as the replicas of {@code namespace} find them. */
    ReplicaFeeder.Sources of(String namespace) {
        return (region, cluster) -> region.equals(namespace) ? local.find(namespace, cluster) : remote(namespace, region, cluster);
    }

    /** Why a replica of {@code namespace} cannot name {@code region} as its source's; empty when it can. */
    Optional<String> problem(String namespace, String region) {
        if (region.equals(namespace)) {
            return Optional.of("names this namespace's name; leave the region out for a source of this namespace (a region"
                    + " named like the replica's namespace cannot be told apart from it)");
        }
        return regions.problem(namespace, region);
    }

    private Optional<ReplicaSource> remote(String namespace, String region, String cluster) {
        Optional<RegionClients.Region> reached = regions.find(namespace, region);
        if (reached.isEmpty()) {
            return Optional.empty();
        }
        String key = namespace + " <- " + region + "/" + cluster;
        Optional<ReplicaSource> found;
        try {
            RegionClients.Region there = reached.get();
            // the source's own operator decides for it: read only from here
            SecretCredentials sourceLogins = remoteCredentials.computeIfAbsent(there.client(),
                    c -> new SecretCredentials(c, there.namespace(), false, clock));
            credentials.reachRegion(region, sourceLogins);
            found = new NamespaceSources(there.client(), settings, engine, capture, credentials::replicaLogin)
                    .findFromAnotherRegion(there.namespace(), cluster, region, () -> {
                        if (awaitingAddress.add(key)) {
                            LOG.info("{}/{}: no address yet on its Service {} (type LoadBalancer) that replicas in other regions"
                                    + " reach it at: waiting for a load balancer", region, cluster, ObjectNames.crossRegionService(cluster));
                        }
                    });
        } catch (RuntimeException e) {
            // the other region's API is down or refuses: the feeder says the source cannot be reached, and asks again
            LOG.debug("{}/{}: not reached: {}", region, cluster, e.getMessage());
            return Optional.empty();
        }
        if (found.isPresent() && awaitingAddress.remove(key)) {
            LOG.info("{}/{}: reached at {}", region, cluster, found.get().topology().aggregators().stream().findFirst()
                    .map(p -> p.sqlAddress()).orElse("?"));
        }
        return found;
    }

    @Override
    public void close() {
        regions.close();
    }
}

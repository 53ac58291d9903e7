package dev.canopy.runtime.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.core.ReplicaFeed;
import dev.canopy.core.ReplicaFeeder;
import dev.canopy.core.ReplicationTarget;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Optional;

/**
 * A DatabaseCluster's replication, kept in ConfigMaps it owns (a restarted or failed-over operator carries on): as a
 * source, the target its changes stream to ({@value #TARGET_KEY} in {@code <name>-replication}, written by its replica's
 * passes and read by its own); as a replica, how it is fed ({@value #PROGRESS_KEY} in {@code <name>-replica}, written by
 * its own passes). Two maps, so that a cluster that is both (a replica of a replica) is never written whole by two
 * passes at once. Reads each map once and keeps what it writes.
 */
public final class KubernetesReplication implements ReplicaFeeder.ProgressStore {
    static final String COMPONENT = "replication";
    static final String TARGET_KEY = "target.json";
    static final String PROGRESS_KEY = "replica.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String REPLICA_COMPONENT = "replica";
    private final OwnedConfigMap asSource;
    private final OwnedConfigMap asReplica;

    public KubernetesReplication(KubernetesClient client, RuntimeSettings settings, OwnedCluster cluster) {
        Applier applier = new Applier(client, settings.serverSideApply());
        this.asSource = new OwnedConfigMap(client, applier, cluster, ObjectNames.replicationConfigMap(cluster.name()), COMPONENT);
        this.asReplica = new OwnedConfigMap(client, applier, cluster, ObjectNames.replicaConfigMap(cluster.name()),
                REPLICA_COMPONENT);
    }

    /** Where the cluster's changes stream to (held or not); empty when it is not replicated. */
    public Optional<ReplicationTarget> target() {
        return read(asSource, TARGET_KEY, ReplicationTarget.class);
    }

    /** Streams the cluster's changes to the target from its next pass on; empty stops it. */
    public void target(Optional<ReplicationTarget> target) {
        asSource.put(TARGET_KEY, target.map(KubernetesReplication::json).orElse(null));
    }

    @Override
    public Optional<ReplicaFeed.Progress> load(String replica) {
        return read(asReplica, PROGRESS_KEY, ReplicaFeed.Progress.class);
    }

    @Override
    public void save(String replica, ReplicaFeed.Progress progress) {
        asReplica.put(PROGRESS_KEY, json(progress));
    }

    private static <T> Optional<T> read(OwnedConfigMap map, String key, Class<T> type) {
        String json = map.get(key);
        try {
            return json == null ? Optional.empty() : Optional.of(JSON.readValue(json, type));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(map.name() + " holds no readable " + key + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + ": " + e.getOriginalMessage(), e);
        }
    }
}

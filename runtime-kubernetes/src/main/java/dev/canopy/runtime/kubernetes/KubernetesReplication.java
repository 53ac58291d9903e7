package dev.canopy.runtime.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.core.ReplicaFeed;
import dev.canopy.core.ReplicaFeeder;
import dev.canopy.core.ReplicationTarget;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Optional;

/**
 * A DatabaseCluster's replication, kept in its replication ConfigMap (owned by it: a restarted or failed-over operator
 * carries on): as a source, the target its changes stream to ({@value #TARGET_KEY}, written by the replica's pass and
 * read by the source's); as a replica, how it is fed ({@value #PROGRESS_KEY}). Reads the ConfigMap once and keeps what
 * it writes.
 */
public final class KubernetesReplication implements ReplicaFeeder.ProgressStore {
    static final String COMPONENT = "replication";
    static final String TARGET_KEY = "target.json";
    static final String PROGRESS_KEY = "replica.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OwnedConfigMap map;

    public KubernetesReplication(KubernetesClient client, RuntimeSettings settings, OwnedCluster cluster) {
        this.map = new OwnedConfigMap(client, new Applier(client, settings.serverSideApply()), cluster,
                ObjectNames.replicationConfigMap(cluster.name()), COMPONENT);
    }

    /** Where the cluster's changes stream to (held or not); empty when it is not replicated. */
    public Optional<ReplicationTarget> target() {
        return read(TARGET_KEY, ReplicationTarget.class);
    }

    /** Streams the cluster's changes to the target from its next pass on; empty stops it. */
    public void target(Optional<ReplicationTarget> target) {
        map.put(TARGET_KEY, target.map(KubernetesReplication::json).orElse(null));
    }

    @Override
    public Optional<ReplicaFeed.Progress> load(String replica) {
        return read(PROGRESS_KEY, ReplicaFeed.Progress.class);
    }

    @Override
    public void save(String replica, ReplicaFeed.Progress progress) {
        map.put(PROGRESS_KEY, json(progress));
    }

    private <T> Optional<T> read(String key, Class<T> type) {
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

package dev.canopy.runtime.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.core.ReplicaFeed;
import dev.canopy.core.ReplicaFeeder;
import dev.canopy.core.ReplicationTarget;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Map;

import java.util.Optional;

/**
 * A DatabaseCluster's replication, kept in ConfigMaps it owns (a restarted or failed-over operator carries on): as a
 * source, the target its changes stream to ({@value #TARGET_KEY} in {@code <name>-replication}, written by its replica's
 * passes and read by its own); as a replica, how it is fed ({@value #PROGRESS_KEY} in {@code <name>-replica}, written by
 * its own passes). Two maps, so that a cluster that is both (a replica of a replica) is never written whole by two
 * passes at once. Reads each map once and keeps what it writes. Also in the first: whether a replica in another region
 * feeds from it ({@value #ACROSS_REGIONS_KEY}, written by that replica's passes: the source then opens a
 * {@link CrossRegionEndpoint}); in the second, the replica its changes stream to as of its last pass
 * ({@value #STREAMS_TO_KEY}, read by its replicas' passes, in its region or another one).
 */
public final class KubernetesReplication implements ReplicaFeeder.ProgressStore {
    static final String COMPONENT = "replication";
    static final String TARGET_KEY = "target.json";
    static final String PROGRESS_KEY = "replica.json";
    static final String ACROSS_REGIONS_KEY = "across-regions";
    static final String STREAMS_TO_KEY = "streams-to";
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String REPLICA_COMPONENT = "replica";
    static final String REPLICA_LOGIN_COMPONENT = "replica-login";
    /** On the replica's login Secret: the replica it is the login of. */
    public static final String REPLICA_ANNOTATION = "canopy.dev/replica";
    private final OwnedConfigMap asSource;
    private final OwnedConfigMap asReplica;
    private final KubernetesClient client;
    private final Applier applier;
    private final OwnedCluster cluster;

    public KubernetesReplication(KubernetesClient client, RuntimeSettings settings, OwnedCluster cluster) {
        Applier applier = new Applier(client, settings.serverSideApply());
        this.client = client;
        this.applier = applier;
        this.cluster = cluster;
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

    /**
     * Keeps the login of the replica this cluster's changes stream to beside it (in Secret
     * {@link ObjectNames#replicaLoginSecret}, owned by this cluster, key {@link AdminCredentialsSecret#LOGIN_KEY}), where
     * its change captures read it; none: the replica runs without authentication. Written by the replica's operator
     * before it names the target, so that the captures find the login when they start.
     */
    public void replicaLogin(String replica, Optional<AdminCredentialsSecret.Login> login) {
        Secret current = client.secrets().inNamespace(cluster.namespace()).withName(ObjectNames.replicaLoginSecret(cluster.name())).get();
        Map<String, String> data = login.map(l -> Map.of(AdminCredentialsSecret.LOGIN_KEY, AdminCredentialsSecret.base64(l.properties())))
                .orElse(Map.of());
        if (current != null && replica.equals(annotation(current)) && data.equals(current.getData() == null ? Map.of() : current.getData())) {
            return;
        }
        applier.apply(new SecretBuilder()
                .withNewMetadata()
                .withName(ObjectNames.replicaLoginSecret(cluster.name())).withNamespace(cluster.namespace())
                .withLabels(Labels.component(cluster.name(), REPLICA_LOGIN_COMPONENT)).withOwnerReferences(cluster.ownerReferences())
                .withAnnotations(Map.of(REPLICA_ANNOTATION, replica))
                .endMetadata()
                .withType("Opaque")
                .withData(data)
                .build());
    }

    /** The login of {@code replica} kept beside this cluster by {@link #replicaLogin}; empty when none is kept for it. */
    public Optional<AdminCredentialsSecret.Login> replicaLogin(String replica) {
        Secret kept = client.secrets().inNamespace(cluster.namespace()).withName(ObjectNames.replicaLoginSecret(cluster.name())).get();
        if (kept == null || !replica.equals(annotation(kept))) {
            return Optional.empty();
        }
        return Optional.ofNullable(AdminCredentialsSecret.value(kept, AdminCredentialsSecret.LOGIN_KEY))
                .flatMap(AdminCredentialsSecret.Login::parse);
    }

    /** No replica's login kept beside this cluster any more (it streams to none). */
    public void forgetReplicaLogin() {
        client.secrets().inNamespace(cluster.namespace()).withName(ObjectNames.replicaLoginSecret(cluster.name())).delete();
    }

    private static String annotation(Secret secret) {
        Map<String, String> annotations = secret.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(REPLICA_ANNOTATION);
    }

    /**
     * Whether the cluster ever took part in replication (as a source or a replica: one of its maps exists); read from
     * the maps this pass reads anyway.
     */
    public boolean everReplicated() {
        return asSource.exists() || asReplica.exists();
    }

    /** Whether a replica in another region is fed from this cluster (then it is reached through a load balancer). */
    public boolean acrossRegions() {
        return asSource.get(ACROSS_REGIONS_KEY) != null;
    }

    /** Marks (or unmarks) the cluster as the source of a replica in another region. */
    public void acrossRegions(boolean across) {
        asSource.put(ACROSS_REGIONS_KEY, across ? "true" : null);
    }

    /** The replica this cluster's changes streamed to on its last pass; empty while held, stopped or failing. */
    public Optional<String> streamsTo() {
        return Optional.ofNullable(asReplica.get(STREAMS_TO_KEY));
    }

    /** Records what the cluster's changes stream to, as of this pass. */
    public void streamsTo(Optional<String> replica) {
        asReplica.put(STREAMS_TO_KEY, replica.orElse(null));
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

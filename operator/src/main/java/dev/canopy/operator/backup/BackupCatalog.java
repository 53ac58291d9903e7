package dev.canopy.operator.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.canopy.api.KubernetesBackups;
import dev.canopy.backup.BackupRecord;
import dev.canopy.backup.RecordCatalog;
import dev.canopy.backup.Records;
import dev.canopy.backup.RestoreState;
import dev.canopy.runtime.kubernetes.Applier;
import dev.canopy.runtime.kubernetes.Labels;
import dev.canopy.runtime.kubernetes.OwnedCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A cluster's backup catalog: the ConfigMap {@code <cluster>-backups} ({@link KubernetesBackups}) holding the record
 * of every backup the operator ran for it, its restore, and the last backup request acted on. Read once, then kept in
 * memory and written through: the leader is its only writer. Owned by the cluster: it goes with it (the backups
 * themselves stay in their bucket, each with its record).
 */
final class BackupCatalog implements RecordCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(BackupCatalog.class);
    static final String COMPONENT = "backups";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Applier applier;
    private final OwnedCluster cluster;
    private final Map<String, String> data;
    private final Map<String, BackupRecord> records = new TreeMap<>();

    private BackupCatalog(Applier applier, OwnedCluster cluster, Map<String, String> data) {
        this.applier = applier;
        this.cluster = cluster;
        this.data = new HashMap<>(data);
        data.forEach((key, value) -> {
            if (key.endsWith(KubernetesBackups.RECORD_KEY_SUFFIX)) {
                try {
                    BackupRecord record = Records.fromJson(value.getBytes(StandardCharsets.UTF_8));
                    records.put(record.id(), record);
                } catch (UncheckedIOException e) {
                    LOG.warn("{}/{}: key {} of ConfigMap {} is no backup record, skipped: {}", cluster.namespace(), cluster.name(),
                            key, KubernetesBackups.catalog(cluster.name()), e.getMessage());
                }
            }
        });
    }

    static BackupCatalog read(KubernetesClient client, Applier applier, OwnedCluster cluster) {
        ConfigMap map = client.configMaps().inNamespace(cluster.namespace()).withName(KubernetesBackups.catalog(cluster.name())).get();
        return new BackupCatalog(applier, cluster, map == null || map.getData() == null ? Map.of() : map.getData());
    }

    @Override
    public synchronized void putRecord(BackupRecord record) {
        records.put(record.id(), record);
        put(record.id() + KubernetesBackups.RECORD_KEY_SUFFIX, new String(Records.toJson(record), StandardCharsets.UTF_8));
    }

    @Override
    public synchronized Optional<BackupRecord> record(String id) {
        return Optional.ofNullable(records.get(id));
    }

    @Override
    public synchronized List<BackupRecord> records() {
        return records.values().stream().sorted(Records.OLDEST_FIRST).toList();
    }

    @Override
    public synchronized void delete(String id) {
        records.remove(id);
        put(id + KubernetesBackups.RECORD_KEY_SUFFIX, null);
    }

    /** The newest backup that ended, for the status's Backup condition. */
    synchronized Optional<BackupRecord> lastFinished() {
        return records.values().stream().filter(r -> r.finishedAt() != null)
                .max(java.util.Comparator.comparing(BackupRecord::finishedAt));
    }

    synchronized Optional<RestoreState> restore() {
        String json = data.get(KubernetesBackups.RESTORE_KEY);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(json, RestoreState.class));
        } catch (IOException e) {
            throw new UncheckedIOException("key " + KubernetesBackups.RESTORE_KEY + " of ConfigMap "
                    + KubernetesBackups.catalog(cluster.name()) + " is no restore state: " + e.getMessage(), e);
        }
    }

    synchronized void restore(RestoreState state) {
        try {
            put(KubernetesBackups.RESTORE_KEY, JSON.writeValueAsString(state));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized String handledRequest() {
        return data.get(KubernetesBackups.REQUEST_HANDLED_KEY);
    }

    synchronized void handled(String request) {
        put(KubernetesBackups.REQUEST_HANDLED_KEY, request);
    }

    /** The whole map is written: its one writer holds all of it. */
    private void put(String key, String value) {
        Map<String, String> next = new HashMap<>(data);
        if (value == null) {
            next.remove(key);
        } else {
            next.put(key, value);
        }
        if (next.equals(data)) {
            return;
        }
        applier.apply(new ConfigMapBuilder()
                .withNewMetadata()
                .withName(KubernetesBackups.catalog(cluster.name())).withNamespace(cluster.namespace())
                .withLabels(Labels.component(cluster.name(), COMPONENT)).withOwnerReferences(cluster.ownerReferences())
                .endMetadata()
                .withData(next)
                .build());
        data.clear();
        data.putAll(next);
    }

    /** A restore source as the annotation gives it. */
    static dev.canopy.api.RestoreSource restoreSource(String json) {
        try {
            return JSON.readValue(json, dev.canopy.api.RestoreSource.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("annotation " + KubernetesBackups.RESTORE_FROM_ANNOTATION
                    + " is not {\"backup\": \"<id>\", \"destination\": {\"s3\": {...}}}: " + e.getOriginalMessage(), e);
        }
    }
}

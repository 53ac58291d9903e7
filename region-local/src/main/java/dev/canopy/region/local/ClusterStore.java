package dev.canopy.region.local;

import dev.canopy.backup.RestoreState;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.canopy.api.ClusterManifest;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.SuspendedChanges;
import dev.canopy.api.RestoreSource;
import dev.canopy.core.BlueGreen;
import dev.canopy.core.ReplicaFeed;
import dev.canopy.core.ReplicationTarget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local region's desired and observed state, as files under {@code <dataDir>/clusters/<name>/}: the manifest the
 * user applied ({@code manifest.yaml}), its generation and deletion mark ({@code cluster.json}) and the status
 * ({@code status.json}), and where its changes stream to ({@code replication.json}). Every write goes to a temporary file first and is moved into place, so a reader never sees
 * half a file. The CLI and a running platform share it, the way kubectl and an operator share the API server.
 */
public final class ClusterStore {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    static final String RESTORE_FILE = "restore.json";
    static final String BACKUP_REQUEST_FILE = "backup-request";
    static final String REPLICATION_FILE = "replication.json";
    static final String DEPLOYMENT_FILE = "deployment";
    static final String BLUE_GREEN_FILE = "blue-green.json";
    static final String REPLICA_FILE = "replica.json";

    private final Path dataDir;

    public ClusterStore(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** What {@link #apply} did. */
    public enum Outcome { CREATED, CONFIGURED, UNCHANGED }

    public record Applied(Outcome outcome, long generation) {
    }

    record Meta(long generation, boolean deleting) {
    }

    /**
     * Stores a manifest (already validated by its parsing) unless a region rule refuses it; the generation grows only
     * when the spec changes. A refused manifest leaves the stored one as it was.
     */
    public synchronized Applied apply(ClusterManifest manifest, List<String> availableReleases) {
        if (!availableReleases.contains(manifest.spec().release())) {
            throw new InvalidSpecException(List.of("spec.release: " + manifest.spec().release()
                    + " is not available in the local region; available: " + String.join(", ", availableReleases)));
        }
        Optional<StoredCluster> existing = get(manifest.name());
        if (existing.isPresent() && existing.get().deleting()) {
            throw new IllegalStateException("cluster " + manifest.name() + " is being deleted; apply it again once it is gone");
        }
        if (existing.isPresent() && existing.get().spec().equals(manifest.spec())) {
            return new Applied(Outcome.UNCHANGED, existing.get().generation());
        }
        List<String> suspended = existing.map(c -> SuspendedChanges.problems(c.spec(), manifest.spec())).orElse(List.of());
        if (!suspended.isEmpty()) {
            throw new InvalidSpecException(suspended);
        }
        long generation = existing.map(c -> c.generation() + 1).orElse(1L);
        Path dir = clusterDir(manifest.name());
        write(dir.resolve("manifest.yaml"), manifest.toYaml());
        writeJson(dir.resolve("cluster.json"), new Meta(generation, false));
        return new Applied(existing.isPresent() ? Outcome.CONFIGURED : Outcome.CREATED, generation);
    }

    /**
     * Stores a new cluster that starts from a backup: the manifest, then what to restore, which the region carries out
     * once the cluster's nodes are up. Refused when the cluster exists: a restore never writes over data.
     */
    public synchronized Applied applyRestore(ClusterManifest manifest, List<String> availableReleases, RestoreSource source) {
        if (get(manifest.name()).isPresent()) {
            throw new IllegalStateException("cluster " + manifest.name() + " exists: a backup is restored into a new cluster only");
        }
        // the restore is written first, so that the region never sees the cluster without it
        writeJson(clusterDir(manifest.name()).resolve(RESTORE_FILE), RestoreState.pending(source));
        try {
            return apply(manifest, availableReleases);
        } catch (RuntimeException e) {
            deleteQuietly(clusterDir(manifest.name()).resolve(RESTORE_FILE));
            throw e;
        }
    }

    public synchronized Optional<RestoreState> restore(String name) {
        Path file = clusterDir(name).resolve(RESTORE_FILE);
        try {
            return Files.exists(file) ? Optional.of(JSON.readValue(file.toFile(), RestoreState.class)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public synchronized void writeRestore(String name, RestoreState state) {
        if (Files.exists(clusterDir(name).resolve("manifest.yaml"))) {
            writeJson(clusterDir(name).resolve(RESTORE_FILE), state);
        }
    }

    /**
     * Where the cluster's changes stream to, kept with the cluster so that a restarted platform streams again; empty
     * turns replication off. False when there is no such cluster.
     */
    public synchronized boolean writeReplication(String name, Optional<ReplicationTarget> target) {
        Optional<StoredCluster> existing = get(name);
        if (existing.isEmpty() || existing.get().deleting()) {
            return false;
        }
        if (target.isPresent()) {
            writeJson(clusterDir(name).resolve(REPLICATION_FILE), target.get());
        } else {
            deleteQuietly(clusterDir(name).resolve(REPLICATION_FILE));
        }
        return true;
    }

    public synchronized Optional<ReplicationTarget> replication(String name) {
        Path file = clusterDir(name).resolve(REPLICATION_FILE);
        try {
            return Files.exists(file) ? Optional.of(JSON.readValue(file.toFile(), ReplicationTarget.class)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * The runtime's name of the nodes that serve the cluster: its own name until a blue/green upgrade moved it to the
     * other of its two deployments ({@link #deployments}).
     */
    public synchronized String deployment(String name) {
        Path file = clusterDir(name).resolve(DEPLOYMENT_FILE);
        try {
            return Files.exists(file) ? Files.readString(file).strip() : name;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public synchronized void writeDeployment(String name, String deployment) {
        if (!deployments(name).contains(deployment)) {
            throw new IllegalArgumentException(deployment + " is not a deployment of " + name);
        }
        write(clusterDir(name).resolve(DEPLOYMENT_FILE), deployment);
    }

    /**
     * The two runtime names a cluster's nodes may run under: its own, and its name with {@code .b} (no cluster name
     * holds a dot, so it is nobody else's). A blue/green upgrade builds green under the one blue does not use.
     */
    public static List<String> deployments(String name) {
        return List.of(name, name + ".b");
    }

    /** The cluster's blue/green upgrade, current or last; empty when it never had one. */
    public synchronized Optional<BlueGreen.Progress> blueGreen(String name) {
        Path file = clusterDir(name).resolve(BLUE_GREEN_FILE);
        try {
            return Files.exists(file) ? Optional.of(JSON.readValue(file.toFile(), BlueGreen.Progress.class)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public synchronized void writeBlueGreen(String name, BlueGreen.Progress progress) {
        if (Files.exists(clusterDir(name).resolve("manifest.yaml"))) {
            writeJson(clusterDir(name).resolve(BLUE_GREEN_FILE), progress);
        }
    }

    /** How the cluster is fed as a replica, or was until its promotion; empty when it never was one. */
    public synchronized Optional<ReplicaFeed.Progress> replica(String name) {
        Path file = clusterDir(name).resolve(REPLICA_FILE);
        try {
            return Files.exists(file) ? Optional.of(JSON.readValue(file.toFile(), ReplicaFeed.Progress.class)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public synchronized void writeReplica(String name, ReplicaFeed.Progress progress) {
        if (Files.exists(clusterDir(name).resolve("manifest.yaml"))) {
            writeJson(clusterDir(name).resolve(REPLICA_FILE), progress);
        }
    }

    /** Asks the region for a backup of the cluster now; the region takes it on its next pass. */
    public synchronized boolean requestBackup(String name) {
        Optional<StoredCluster> existing = get(name);
        if (existing.isEmpty() || existing.get().deleting()) {
            return false;
        }
        write(clusterDir(name).resolve(BACKUP_REQUEST_FILE), java.time.Instant.now().toString());
        return true;
    }

    public synchronized boolean backupRequested(String name) {
        return Files.exists(clusterDir(name).resolve(BACKUP_REQUEST_FILE));
    }

    public synchronized void clearBackupRequest(String name) {
        deleteQuietly(clusterDir(name).resolve(BACKUP_REQUEST_FILE));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    public synchronized Optional<StoredCluster> get(String name) {
        Path dir = clusterDir(name);
        Path manifestFile = dir.resolve("manifest.yaml");
        if (!Files.exists(manifestFile)) {
            return Optional.empty();
        }
        try {
            ClusterManifest manifest = ClusterManifest.parse(Files.readString(manifestFile));
            Meta meta = JSON.readValue(dir.resolve("cluster.json").toFile(), Meta.class);
            Path statusFile = dir.resolve("status.json");
            DatabaseClusterStatus status = Files.exists(statusFile)
                    ? JSON.readValue(statusFile.toFile(), DatabaseClusterStatus.class) : null;
            return Optional.of(new StoredCluster(name, meta.generation(), manifest.spec(), status, meta.deleting()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read cluster " + name + " from " + dir, e);
        }
    }

    public List<StoredCluster> list() {
        Path clusters = dataDir.resolve("clusters");
        if (!Files.isDirectory(clusters)) {
            return List.of();
        }
        List<StoredCluster> result = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(clusters)) {
            for (Path dir : dirs.sorted().toList()) {
                get(dir.getFileName().toString()).ifPresent(result::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + clusters, e);
        }
        return result;
    }

    public synchronized void writeStatus(String name, DatabaseClusterStatus status) {
        if (Files.exists(clusterDir(name).resolve("manifest.yaml"))) {
            writeJson(clusterDir(name).resolve("status.json"), status);
        }
    }

    /** Marks a cluster for deletion; the region stops its nodes and removes it. */
    public synchronized boolean markDeleting(String name) {
        Optional<StoredCluster> existing = get(name);
        existing.ifPresent(c -> writeJson(clusterDir(name).resolve("cluster.json"), new Meta(c.generation(), true)));
        return existing.isPresent();
    }

    public Path clusterDir(String name) {
        return dataDir.resolve("clusters").resolve(name);
    }

    private static void writeJson(Path file, Object value) {
        try {
            write(file, JSON.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}

package dev.canopy.region.local;

import dev.canopy.backup.RestoreState;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.canopy.api.ClusterManifest;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.Phase;
import dev.canopy.api.SuspendedChanges;
import dev.canopy.core.ReleaseChanges;
import dev.canopy.api.RestoreSource;
import dev.canopy.core.BlueGreen;
import dev.canopy.core.ReplicaFeed;
import dev.canopy.core.ReplicationTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local region's desired and observed state, as files under {@code <dataDir>/clusters/<name>/}: the manifest the
 * user applied ({@code manifest.yaml}), its generation and deletion mark ({@code cluster.json}) and the status
 * ({@code status.json}), and where its changes stream to ({@code replication.json}). Every write goes to a temporary file first and is moved into place, so a reader never sees
 * half a file. The CLI and a running platform share it, the way kubectl and an operator share the API server.
 *
 * <p>A file that is damaged all the same (a full disk, a crash of the machine, a hand edit) spoils its own cluster only:
 * a damaged status is dropped, to be observed again; any other damaged file makes the cluster a damaged record
 * ({@link StoredCluster#damage}), listed with a Failed status that says which file and why, and left alone by the
 * region until the file is repaired or the cluster deleted. Nothing damaged is rewritten or removed but on request.
 */
public final class ClusterStore {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterStore.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            // times (a database user's) as ISO-8601 text, readable in the file
            .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    static final String RESTORE_FILE = "restore.json";
    static final String BACKUP_REQUEST_FILE = "backup-request";
    static final String REPLICATION_FILE = "replication.json";
    static final String DEPLOYMENT_FILE = "deployment";
    static final String BLUE_GREEN_FILE = "blue-green.json";
    static final String REPLICA_FILE = "replica.json";
    /** The database users the platform made in the cluster's engine: names and dates, never a password. */
    static final String USERS_FILE = "users.json";
    /** The reason of the Ready condition of a damaged record. */
    public static final String RECORD_DAMAGED = "RecordDamaged";
    private static final String REMEDY = "restore the file, or delete the cluster";

    private final Path dataDir;
    private final List<Consumer<String>> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The stores of the other local regions in this JVM, see {@link #otherRegions}. */
    private volatile List<ClusterStore> others = List.of();
    /**
     * What was last said of each damaged file or record: the region lists every cluster twice a second, and a damage
     * is worth one warning, not one per pass.
     */
    private final Map<Path, String> warned = new ConcurrentHashMap<>();

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
        if (existing.isPresent() && existing.get().damaged()) {
            // the stored spec is unknown, so whether this change is allowed (a suspended cluster's) is too
            throw new IllegalStateException("cluster " + manifest.name() + " cannot be changed: " + existing.get().damage()
                    + "; " + REMEDY);
        }
        if (existing.isPresent() && existing.get().spec().equals(manifest.spec())) {
            return new Applied(Outcome.UNCHANGED, existing.get().generation());
        }
        List<String> refused = new java.util.ArrayList<>(existing.map(c -> SuspendedChanges.problems(c.spec(), manifest.spec()))
                .orElse(List.of()));
        refused.addAll(ReleaseChanges.problems(existing.map(StoredCluster::spec).orElse(null), manifest.spec()));
        if (manifest.spec().backup() != null) {
            BackupRoot.problem(manifest.spec().backup().destination(), dataDir)
                    .ifPresent(problem -> refused.add("spec.backup.destination." + problem));
        }
        if (!refused.isEmpty()) {
            throw new InvalidSpecException(refused);
        }
        long generation = existing.map(c -> c.generation() + 1).orElse(1L);
        DataDirectory.ownerOnly(dataDir);
        Path dir = clusterDir(manifest.name());
        write(dir.resolve("manifest.yaml"), manifest.toYaml());
        writeJson(dir.resolve("cluster.json"), new Meta(generation, false));
        changed(manifest.name());
        return new Applied(existing.isPresent() ? Outcome.CONFIGURED : Outcome.CREATED, generation);
    }

    /**
     * Told the name of a cluster whose spec, status or deletion mark changed here, as it happens (not when the region
     * removes a deleted cluster's directory): a reader that keeps the clusters in memory reads that one again.
     */
    public void onChange(Consumer<String> listener) {
        changeListeners.add(listener);
    }

    private void changed(String name) {
        for (Consumer<String> listener : changeListeners) {
            listener.accept(name);
        }
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
        return readIfExists(clusterDir(name).resolve(RESTORE_FILE), RestoreState.class);
    }

    public synchronized void writeRestore(String name, RestoreState state) {
        if (Files.exists(clusterDir(name).resolve("manifest.yaml"))) {
            writeJson(clusterDir(name).resolve(RESTORE_FILE), state);
        }
    }

    /**
     * Where the cluster's changes stream to, kept with the cluster so that a restarted platform streams again; empty
     * turns replication off. False when there is no such cluster, or its record is damaged.
     */
    public synchronized boolean writeReplication(String name, Optional<ReplicationTarget> target) {
        Optional<StoredCluster> existing = get(name);
        if (existing.isEmpty() || existing.get().deleting() || existing.get().damaged()) {
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
        return readIfExists(clusterDir(name).resolve(REPLICATION_FILE), ReplicationTarget.class);
    }

    /**
     * The runtime's name of the nodes that serve the cluster: its own name until a blue/green upgrade moved it to the
     * other of its two deployments ({@link #deployments}).
     */
    public synchronized String deployment(String name) {
        // any other name would have the region start a cluster of empty nodes under it
        String deployment = read(clusterDir(name).resolve(DEPLOYMENT_FILE), true, text -> {
            String named = text.strip();
            if (!deployments(name).contains(named)) {
                throw new IllegalArgumentException("names \"" + named + "\", which is no deployment of " + name);
            }
            return named;
        });
        return deployment == null ? name : deployment;
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

    /** The file of a cluster's admin secret (the engine's login the platform uses), under the cluster's directory. */
    public static final String ADMIN_SECRET_FILE = "admin.secret";

    /**
     * Where the admin secret of a deployment's cluster is kept: one per cluster, shared by its two deployments (green
     * takes blue's secret when it is taken over), and deleted with the cluster's directory.
     */
    public Path adminSecretFile(String deployment) {
        String name = deployment.endsWith(".b") ? deployment.substring(0, deployment.length() - 2) : deployment;
        return holder(name).clusterDir(name).resolve(ADMIN_SECRET_FILE);
    }

    /**
     * The file whose presence says a deployment's nodes run with the engine's authentication: in the deployment's own
     * directory (a cluster's two deployments are decided apart, as a cluster from before authentication gets it with
     * its next fresh deployment), deleted with it.
     */
    public Path authenticationMarker(String deployment) {
        String name = deployment.endsWith(".b") ? deployment.substring(0, deployment.length() - 2) : deployment;
        return holder(name).clusterDir(deployment).resolve("authentication");
    }

    /**
     * The directory of the certificates a cluster's nodes serve clients with: one for its deployments, like its secret,
     * so a client's trust store stays good across a blue/green upgrade.
     */
    public Path tlsDirectory(String deployment) {
        String name = deployment.endsWith(".b") ? deployment.substring(0, deployment.length() - 2) : deployment;
        return holder(name).clusterDir(name).resolve("tls");
    }

    /** The file whose presence says a deployment's nodes take clients over TLS only: as {@link #authenticationMarker}. */
    public Path tlsMarker(String deployment) {
        String name = deployment.endsWith(".b") ? deployment.substring(0, deployment.length() - 2) : deployment;
        return holder(name).clusterDir(deployment).resolve("tls-only");
    }

    /**
     * Tells this store the stores of the other local regions in this JVM (tests and benchmarks run two side by side):
     * a replica's source, or a source's replica, is a cluster of another one, whose secret and authentication marker
     * are kept there. Without it this store would make the other region's cluster a secret of its own, one its nodes
     * never took, and its logins would be refused.
     */
    void otherRegions(List<ClusterStore> others) {
        this.others = List.copyOf(others);
    }

    /**
     * The store keeping a cluster: this one when it has the cluster (or no store has it: a secret asked for first is
     * made here), else the other region's that has it.
     */
    private ClusterStore holder(String cluster) {
        if (others.isEmpty() || Files.isDirectory(clusterDir(cluster))) {
            return this;
        }
        return others.stream().filter(other -> Files.isDirectory(other.clusterDir(cluster))).findFirst().orElse(this);
    }

    /** The cluster's blue/green upgrade, current or last; empty when it never had one. */
    public synchronized Optional<BlueGreen.Progress> blueGreen(String name) {
        return readIfExists(clusterDir(name).resolve(BLUE_GREEN_FILE), BlueGreen.Progress.class);
    }

    public synchronized void writeBlueGreen(String name, BlueGreen.Progress progress) {
        if (Files.exists(clusterDir(name).resolve("manifest.yaml"))) {
            writeJson(clusterDir(name).resolve(BLUE_GREEN_FILE), progress);
        }
    }

    /** The database users made through the platform, by name; none when it has made none. */
    public synchronized DatabaseUsers users(String name) {
        return readIfExists(clusterDir(name).resolve(USERS_FILE), DatabaseUsers.class).orElse(DatabaseUsers.NONE);
    }

    /** False when there is no such cluster (or it is being deleted): nothing is written then. */
    public synchronized boolean writeUsers(String name, DatabaseUsers users) {
        Optional<StoredCluster> existing = get(name);
        if (existing.isEmpty() || existing.get().deleting()) {
            return false;
        }
        writeJson(clusterDir(name).resolve(USERS_FILE), users);
        return true;
    }

    /** How the cluster is fed as a replica, or was until its promotion; empty when it never was one. */
    public synchronized Optional<ReplicaFeed.Progress> replica(String name) {
        return readIfExists(clusterDir(name).resolve(REPLICA_FILE), ReplicaFeed.Progress.class);
    }

    public synchronized void writeReplica(String name, ReplicaFeed.Progress progress) {
        if (Files.exists(clusterDir(name).resolve("manifest.yaml"))) {
            writeJson(clusterDir(name).resolve(REPLICA_FILE), progress);
        }
    }

    /**
     * Asks the region for a backup of the cluster now; the region takes it on its next pass (of a damaged record: once
     * it is repaired).
     */
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

    /**
     * The cluster as stored; a cluster with a damaged file is a damaged record (see {@link StoredCluster#damage}), never
     * an exception, so that one cluster's file cannot keep the others from being listed.
     */
    public synchronized Optional<StoredCluster> get(String name) {
        Path dir = clusterDir(name);
        Path manifestFile = dir.resolve("manifest.yaml");
        if (!Files.exists(manifestFile)) {
            return Optional.empty();
        }
        List<DamagedFileException> damage = new ArrayList<>();
        DatabaseClusterSpec spec = noting(damage, () -> read(manifestFile, false, text -> ClusterManifest.parse(text).spec()));
        Meta meta = noting(damage, () -> read(dir.resolve("cluster.json"), false, text -> JSON.readValue(text, Meta.class)));
        // the region's own records beside the spec are desired state too, which no observation gives back: reconciled
        // without them, a cluster could be started under the wrong deployment, copied over again, or never restored
        noting(damage, () -> deployment(name));
        noting(damage, () -> blueGreen(name));
        noting(damage, () -> replica(name));
        noting(damage, () -> replication(name));
        noting(damage, () -> restore(name));
        if (damage.isEmpty()) {
            warned.remove(dir);
            return Optional.of(new StoredCluster(name, meta.generation(), spec, status(dir.resolve("status.json")),
                    meta.deleting(), null));
        }
        if (!Files.exists(manifestFile)) {
            // deleted while it was read: no cluster, rather than a damaged one
            return Optional.empty();
        }
        String why = damage.stream().map(DamagedFileException::getMessage).collect(Collectors.joining("; "));
        String message = why + "; the region does not reconcile the cluster (starts, stops and changes nothing of it): " + REMEDY;
        warnOnce(dir, "cluster " + name + ": " + message);
        String since = damage.stream().map(d -> modified(d.file)).filter(Objects::nonNull).max(String::compareTo).orElse(null);
        // a generation stands for a spec: with either unreadable, none is claimed (nothing can take the record as newer)
        long generation = spec == null || meta == null ? 0 : meta.generation();
        return Optional.of(new StoredCluster(name, generation, spec, damagedStatus(message, since),
                meta != null && meta.deleting(), why));
    }

    /** Failed, as the reconciler says it, so that whoever shows a status shows the damage and what to do. */
    private static DatabaseClusterStatus damagedStatus(String message, String since) {
        return new DatabaseClusterStatus(Phase.Failed, List.of(
                new Condition(Condition.READY, Condition.FALSE, RECORD_DAMAGED, message, since),
                new Condition(Condition.PROGRESSING, Condition.FALSE, RECORD_DAMAGED, message, since)),
                null, null, null, null, null, null);
    }

    /** The last status written; a damaged one is only an observation, which the region's next pass makes again. */
    private DatabaseClusterStatus status(Path file) {
        try {
            DatabaseClusterStatus status = read(file, true, text -> JSON.readValue(text, DatabaseClusterStatus.class));
            warned.remove(file);
            return status;
        } catch (DamagedFileException e) {
            warnOnce(file, e.getMessage() + ": taken as no status; the region observes the cluster again and writes a new one");
            return null;
        }
    }

    private void warnOnce(Path file, String message) {
        if (!message.equals(warned.put(file, message))) {
            LOG.warn(message);
        }
    }

    private static String modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (IOException e) {
            return null;
        }
    }

    private static <T> T noting(List<DamagedFileException> damage, Supplier<T> read) {
        try {
            return read.get();
        } catch (DamagedFileException e) {
            damage.add(e);
            return null;
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
            changed(name);
        }
    }

    /**
     * Marks a cluster for deletion; the region stops its nodes and removes it. A damaged record can be deleted too (what
     * its damage tells it to offer): a damaged {@code cluster.json} is then written over, on this request only.
     */
    public synchronized boolean markDeleting(String name) {
        Optional<StoredCluster> existing = get(name);
        existing.ifPresent(c -> writeJson(clusterDir(name).resolve("cluster.json"), new Meta(c.generation(), true)));
        existing.ifPresent(c -> changed(name));
        return existing.isPresent();
    }

    public Path clusterDir(String name) {
        return dataDir.resolve("clusters").resolve(name);
    }

    private <T> Optional<T> readIfExists(Path file, Class<T> type) {
        return Optional.ofNullable(read(file, true, text -> JSON.readValue(text, type)));
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(String text) throws IOException;
    }

    /**
     * The file's content as the parser makes it, or null for a file that may be absent and is; anything else is damage,
     * said in one line naming the file.
     */
    private static <T> T read(Path file, boolean mayBeAbsent, Parser<T> parser) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            if (mayBeAbsent) {
                return null;
            }
            throw new DamagedFileException(file, "is missing");
        } catch (IOException e) {
            throw new DamagedFileException(file, "cannot be read: " + e);
        }
        if (text.isBlank()) {
            throw new DamagedFileException(file, "is empty");
        }
        T value;
        try {
            value = parser.parse(text);
        } catch (JsonProcessingException e) {
            // a syntax error met while binding (a truncated record's field) comes wrapped in a binding error
            boolean syntax = Stream.iterate((Throwable) e, Objects::nonNull, Throwable::getCause)
                    .anyMatch(StreamReadException.class::isInstance);
            String what = syntax ? "is not valid JSON: " : "holds other JSON than it should: ";
            throw new DamagedFileException(file, what + e.getOriginalMessage() + (e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (InvalidSpecException e) {
            throw new DamagedFileException(file, "is not a valid manifest: " + String.join("; ", e.problems()));
        } catch (IOException | RuntimeException e) {
            throw new DamagedFileException(file, "is not valid: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        if (value == null) {
            throw new DamagedFileException(file, "holds null");
        }
        return value;
    }

    /** A file of a cluster's record that is missing or cannot be read; the message names it and says why, in one line. */
    static final class DamagedFileException extends RuntimeException {
        final Path file;

        DamagedFileException(Path file, String why) {
            super(file + " " + why.replaceAll("\\s+", " ").strip());
            this.file = file;
        }
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

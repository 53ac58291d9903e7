package dev.canopy.region.local;

import dev.canopy.api.BackupDestinationSpec;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.ClusterManifest;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.RestoreSource;
import dev.canopy.backup.BackupRecord;
import dev.canopy.backup.Destination;
import dev.canopy.backup.Destinations;
import dev.canopy.backup.DirectoryDestination;
import dev.canopy.backup.ClusterBackups;
import dev.canopy.backup.S3Credentials;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What anyone sharing the local region's data directory (the platform, the CLI, the control plane) can do about
 * backups without the region's loop: read the record of every backup it ran ({@code backup-records/}), ask for a
 * backup, open a destination (S3 keys from {@code secrets/<name>.properties}: {@code accessKeyId},
 * {@code secretAccessKey}), and store a cluster that starts from a backup after checking the backup fits it.
 */
public final class RegionBackups {
    private final ClusterStore store;
    private final DirectoryDestination catalog;

    public RegionBackups(ClusterStore store) {
        this.store = store;
        this.catalog = new DirectoryDestination(store.dataDir().resolve("backup-records"));
    }

    /** The destination of backups whose spec names none. */
    public static Path defaultDirectory(Path dataDir) {
        return dataDir.toAbsolutePath().normalize().resolve("backups");
    }

    DirectoryDestination catalog() {
        return catalog;
    }

    /** Every backup of the cluster this region ran, oldest first, the failed ones included. */
    public List<BackupRecord> records(String cluster) {
        return catalog.records().stream().filter(r -> r.cluster().equals(cluster)).toList();
    }

    /** Asks the region for a backup now; false when there is no such cluster (or it is being deleted). */
    public boolean request(String cluster) {
        return store.requestBackup(cluster);
    }

    /**
     * Stores a new cluster that starts from the backup, once the backup is found and fits the spec.
     *
     * @throws InvalidSpecException naming {@code restoreFrom} or the spec's field when it does not
     */
    public ClusterStore.Applied restore(ClusterManifest manifest, List<String> availableReleases, RestoreSource source) {
        check(source, manifest.spec());
        return store.applyRestore(manifest, availableReleases, source);
    }

    /** Refuses, naming {@code restoreFrom}, a backup that is missing, not good, of another release, or too big for the spec. */
    public BackupRecord check(RestoreSource source, DatabaseClusterSpec spec) {
        return ClusterBackups.check(source, spec, this::destination);
    }

    /** The destination a spec names; the region's backup directory for none. */
    public Destination destination(BackupDestinationSpec spec) {
        BackupRoot.problem(spec, store.dataDir()).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        return Destinations.open(spec == null ? null : new BackupSpec(null, null, spec), defaultDirectory(store.dataDir()), this::secret);
    }

    private Optional<S3Credentials> secret(String name) {
        Path file = store.dataDir().resolve("secrets").resolve(name + ".properties");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret " + file, e);
        }
        return Optional.of(new S3Credentials(properties.getProperty("accessKeyId"), properties.getProperty("secretAccessKey")));
    }
}

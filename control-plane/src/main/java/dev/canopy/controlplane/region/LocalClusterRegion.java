package dev.canopy.controlplane.region;

import dev.canopy.api.ClusterManifest;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.RestoreSource;
import dev.canopy.backup.BackupRecord;
import dev.canopy.core.EngineUsers.EngineUserException;
import dev.canopy.region.local.ClusterStore;
import dev.canopy.region.local.ClusterUsers;
import dev.canopy.region.local.RegionBackups;
import dev.canopy.region.local.StoredCluster;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The embedded local region: specs go to its {@link ClusterStore} on disk, which the running
 * {@link dev.canopy.region.local.LocalRegion} reconciles on this machine's processes.
 */
public final class LocalClusterRegion implements Region {
    public static final String NAME = "local";

    private final ClusterStore store;
    private final Supplier<List<String>> releases;
    private final RegionBackups backups;
    private final ClusterUsers users;

    /** A region whose clusters' users are not managed here (tests of the API alone). */
    public LocalClusterRegion(ClusterStore store, Supplier<List<String>> releases) {
        this(store, releases, null);
    }

    /** @param users the database users of the region's clusters, made in their engines; null where there is no engine */
    public LocalClusterRegion(ClusterStore store, Supplier<List<String>> releases, ClusterUsers users) {
        this.store = store;
        this.releases = releases;
        this.backups = new RegionBackups(store);
        this.users = users;
    }

    @Override
    public Optional<List<DatabaseUser>> users(String clusterName) {
        return userCall(() -> requireUsers().list(clusterName).map(list -> list.stream()
                .map(u -> new DatabaseUser(u.name(), u.created(), u.passwordChanged())).toList()));
    }

    @Override
    public Optional<DatabaseLogin> createUser(String clusterName, String user) {
        return userCall(() -> requireUsers().create(clusterName, user).map(LocalClusterRegion::login));
    }

    @Override
    public Optional<DatabaseLogin> rotatePassword(String clusterName, String user) {
        return userCall(() -> requireUsers().rotate(clusterName, user).map(LocalClusterRegion::login));
    }

    @Override
    public boolean deleteUser(String clusterName, String user) {
        return userCall(() -> requireUsers().delete(clusterName, user));
    }

    private ClusterUsers requireUsers() {
        if (users == null) {
            throw new RegionConflictException("region " + name() + " runs no engine here: it manages no database users");
        }
        return users;
    }

    private static DatabaseLogin login(ClusterUsers.NewLogin login) {
        return new DatabaseLogin(login.user(), login.password(), login.jdbcUrl());
    }

    /** The engine's refusals as the API tells them: a missing user is not found, anything else a conflict. */
    private static <T> T userCall(Supplier<T> call) {
        try {
            return call.get();
        } catch (EngineUserException e) {
            if (e.reason() == EngineUserException.Reason.MISSING) {
                throw new UnknownUserException(e.getMessage());
            }
            throw new RegionConflictException(e.getMessage());
        }
    }

    @Override
    public boolean requestBackup(String clusterName) {
        return backups.request(clusterName);
    }

    @Override
    public List<BackupRecord> backups(String clusterName) {
        return backups.records(clusterName);
    }

    @Override
    public long restore(String clusterName, DatabaseClusterSpec spec, RestoreSource source) {
        BackupOwnership.require(clusterName, source, () -> {
            try (var destination = backups.destination(source.destination())) {
                return destination.describe();
            }
        });
        try {
            return backups.restore(new ClusterManifest(clusterName, spec), releases.get(), source).generation();
        } catch (IllegalStateException e) {
            // the store refuses a name that is taken
            throw new RegionConflictException(e.getMessage());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public long apply(String clusterName, DatabaseClusterSpec spec) {
        try {
            return store.apply(new ClusterManifest(clusterName, spec), releases.get()).generation();
        } catch (IllegalStateException e) {
            // the store refuses a cluster that is being deleted
            throw new RegionConflictException(e.getMessage());
        }
    }

    @Override
    public Optional<String> caCertificate(String clusterName) {
        java.nio.file.Path pem = store.tlsDirectory(clusterName).resolve("ca.pem");
        if (!java.nio.file.Files.exists(store.tlsMarker(clusterName)) || !java.nio.file.Files.exists(pem)) {
            return Optional.empty();
        }
        try {
            return Optional.of(java.nio.file.Files.readString(pem));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the certificate authority of " + clusterName, e);
        }
    }

    /** The admin secret the local region keeps for the cluster, once it made one (see ClusterStore#adminSecretFile). */
    @Override
    public Optional<java.util.Properties> adminLogin(String clusterName) {
        java.nio.file.Path file = store.adminSecretFile(clusterName);
        if (!java.nio.file.Files.exists(file)) {
            return Optional.empty();
        }
        try (java.io.Reader reader = java.nio.file.Files.newBufferedReader(file)) {
            java.util.Properties login = new java.util.Properties();
            login.load(reader);
            return Optional.of(login);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the admin secret of " + clusterName, e);
        }
    }

    @Override
    public Optional<RegionCluster> get(String clusterName) {
        return store.get(clusterName).map(LocalClusterRegion::toRegionCluster);
    }

    @Override
    public boolean delete(String clusterName) {
        return store.markDeleting(clusterName);
    }

    @Override
    public List<RegionCluster> list() {
        return store.list().stream().map(LocalClusterRegion::toRegionCluster).toList();
    }

    @Override
    public List<String> releases() {
        return releases.get();
    }

    @Override
    public boolean onChange(java.util.function.Consumer<String> changed) {
        store.onChange(changed);
        return true;
    }

    @Override
    public RegionHealth health() {
        return new RegionHealth(true, "embedded; clusters under " + store.dataDir().resolve("clusters"));
    }

    private static RegionCluster toRegionCluster(StoredCluster c) {
        return new RegionCluster(c.name(), c.generation(), c.spec(), c.status(), c.deleting());
    }
}

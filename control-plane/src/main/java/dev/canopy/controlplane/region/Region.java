package dev.canopy.controlplane.region;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.RestoreSource;
import dev.canopy.backup.BackupRecord;

import java.util.List;
import java.util.Optional;

/**
 * One place clusters run. The control plane writes desired specs here and reads their status back; the region's own
 * reconciler carries the specs out. {@code local} is the embedded region ({@link LocalClusterRegion}); a Kubernetes
 * region ({@link KubernetesRegion}) writes DatabaseCluster resources through a kubeconfig context and reads their
 * status.
 *
 * <p>Names here are the names inside the region ({@link RegionNames}), unique there.
 */
public interface Region {

    String name();

    /** {@code local} or {@code kubernetes}. */
    String kind();

    /**
     * Stores the spec, refusing it (with {@link dev.canopy.api.InvalidSpecException}, naming the field) if the region
     * cannot run it, e.g. a release it does not have; returns the generation the spec got.
     *
     * @throws RegionConflictException when the cluster is being deleted there
     */
    long apply(String clusterName, DatabaseClusterSpec spec);

    Optional<RegionCluster> get(String clusterName);

    /** Asks the region to stop the cluster's nodes and remove its storage; false if it has no such cluster. */
    boolean delete(String clusterName);

    /** Every cluster the region holds, including ones the control plane did not create (e.g. the demo). */
    List<RegionCluster> list();

    /** Releases this region can run, newest last. */
    List<String> releases();

    RegionHealth health();

    /**
     * Tells {@code changed} the name of each cluster whose spec, status or deletion changes, as it happens, where the
     * region can (the local region: its store's writes); a region that cannot is read again every few seconds instead.
     *
     * @return whether the region tells changes
     */
    default boolean onChange(java.util.function.Consumer<String> changed) {
        return false;
    }

    /**
     * Asks for a backup of the cluster now; the region takes it and records it. False when it has no such cluster.
     *
     * @throws RegionConflictException when this region takes no backups
     */
    default boolean requestBackup(String clusterName) {
        throw new RegionConflictException("region " + name() + " (" + kind() + ") takes no backups yet");
    }

    /** The backups of the cluster, oldest first, failed ones included; none where the region takes no backups. */
    default List<BackupRecord> backups(String clusterName) {
        return List.of();
    }

    /**
     * The certificate (PEM) of the authority the cluster's nodes serve clients with, for clients to trust; empty where
     * they take plain text (a cluster from before TLS, or a region that serves none yet). Nothing secret.
     */
    default Optional<String> caCertificate(String clusterName) {
        return Optional.empty();
    }

    /**
     * The platform's login to the cluster's engine, as the JDBC thin driver's {@code user} and {@code password}
     * properties; empty where the region keeps none (its clusters run without authentication). Never to be logged.
     */
    default Optional<java.util.Properties> adminLogin(String clusterName) {
        return Optional.empty();
    }

    /**
     * The cluster's database users made through the platform; empty when the region has no such cluster.
     *
     * @throws RegionConflictException where the region manages no database users
     */
    default Optional<List<DatabaseUser>> users(String clusterName) {
        throw new RegionConflictException(noUsers());
    }

    /**
     * Makes a database user with a generated password, returned once; empty when the region has no such cluster.
     *
     * @throws RegionConflictException when the user exists, the cluster does not answer, or the region manages none
     */
    default Optional<DatabaseLogin> createUser(String clusterName, String user) {
        throw new RegionConflictException(noUsers());
    }

    /**
     * Gives the user a new generated password, returned once; the old one is refused from then on. Empty when the
     * region has no such cluster.
     *
     * @throws UnknownUserException when the cluster has no such user
     */
    default Optional<DatabaseLogin> rotatePassword(String clusterName, String user) {
        throw new RegionConflictException(noUsers());
    }

    /**
     * Removes the user; false when the region has no such cluster.
     *
     * @throws UnknownUserException when the cluster has no such user
     */
    default boolean deleteUser(String clusterName, String user) {
        throw new RegionConflictException(noUsers());
    }

    private String noUsers() {
        return "region " + name() + " (" + kind() + ") manages no database users yet";
    }

    /**
     * Stores a new cluster that starts from a backup (see {@link #apply}); refused, naming the field, when the backup is
     * missing or does not fit the spec. A region that cannot read the backup from here (Kubernetes: the operator holds
     * the credentials) checks that later, failing the restore in the cluster's status.
     *
     * @throws RegionConflictException when this region restores no backups
     */
    default long restore(String clusterName, DatabaseClusterSpec spec, RestoreSource source) {
        throw new RegionConflictException("region " + name() + " (" + kind() + ") restores no backups yet");
    }
}

package dev.canopy.controlplane.region;

import dev.canopy.api.DatabaseClusterSpec;

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
}

package dev.canopy.controlplane.region;

import dev.canopy.api.Limits;

/**
 * The name a cluster gets inside its region: {@code <organization>-<cluster>}. Organization names hold no '-', so the
 * first '-' always ends the organization and two organizations' names never meet. The whole must stay within the
 * cluster name rules of a DatabaseCluster ({@link Limits#MAX_NAME_LENGTH} characters).
 */
public final class RegionNames {
    public static final String ORGANIZATION_PATTERN = "^[a-z][a-z0-9]{0,11}$";
    public static final int MAX_ORGANIZATION_LENGTH = 12;
    /** The longest cluster name any organization may use. */
    public static final int MAX_CLUSTER_NAME_LENGTH = Limits.MAX_NAME_LENGTH - MAX_ORGANIZATION_LENGTH - 1;

    private RegionNames() {
    }

    public static String of(String organization, String cluster) {
        return organization + "-" + cluster;
    }
}

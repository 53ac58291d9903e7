package dev.canopy.controlplane.region;

import dev.canopy.api.Limits;

import java.util.Optional;

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

    /** A cluster of an organization, by its name there. */
    public record Owned(String organization, String cluster) {
    }

    /**
     * The organization and cluster a name in a region would stand for, read as {@link #of} writes it; empty when the
     * name cannot be one of {@link #of}'s (no '-', or a part that is no valid name).
     */
    public static Optional<Owned> owner(String nameInRegion) {
        int dash = nameInRegion.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        String organization = nameInRegion.substring(0, dash);
        String cluster = nameInRegion.substring(dash + 1);
        boolean valid = organization.matches(ORGANIZATION_PATTERN) && cluster.matches(Limits.NAME_PATTERN)
                && cluster.length() <= MAX_CLUSTER_NAME_LENGTH;
        return valid ? Optional.of(new Owned(organization, cluster)) : Optional.empty();
    }
}

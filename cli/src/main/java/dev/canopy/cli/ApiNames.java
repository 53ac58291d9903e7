package dev.canopy.cli;

import dev.canopy.controlplane.clusters.ClusterService;
import dev.canopy.controlplane.organizations.OrganizationService;
import dev.canopy.controlplane.region.RegionNames;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The name the API shows for a cluster of the local region, for what {@code canopy up} prints: the platform
 * organization's clusters by their name ({@code orders}, what {@code ./canopy sql orders} takes), another
 * organization's as {@code acme/orders}; one the control plane does not hold (yet) by its name in the region.
 */
final class ApiNames implements UnaryOperator<String> {
    private final ClusterService clusters;
    private final String region;
    // a deleted cluster's record is gone before the region says it is deleted: its name is remembered from before
    private final Map<String, String> seen = new ConcurrentHashMap<>();

    ApiNames(ClusterService clusters, String region) {
        this.clusters = clusters;
        this.region = region;
    }

    @Override
    public String apply(String nameInRegion) {
        clusters.ownerInRegion(region, nameInRegion).ifPresent(owner -> seen.put(nameInRegion, shown(owner)));
        return seen.getOrDefault(nameInRegion, nameInRegion);
    }

    /** Whether the platform organization's key (the data directory's admin key) reaches it by this shown name. */
    static boolean isPlatforms(String shown) {
        return !shown.contains("/");
    }

    private static String shown(RegionNames.Owned owner) {
        return owner.organization().equals(OrganizationService.PLATFORM) ? owner.cluster() : owner.organization() + "/" + owner.cluster();
    }
}

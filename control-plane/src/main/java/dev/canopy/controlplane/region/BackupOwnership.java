package dev.canopy.controlplane.region;

import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.RestoreSource;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A backup is restored only into a cluster of the organization whose cluster it was taken of. Its id starts with that
 * cluster's name in the region ({@code <organization>-<cluster>-<time>-<random>}), whose organization
 * {@link RegionNames#owner} reads; another organization's backup is answered exactly like a missing one, so that an id
 * tried is not confirmed.
 */
final class BackupOwnership {
    private BackupOwnership() {
    }

    /**
     * @param target   the new cluster's name in the region
     * @param describe where the backup was looked for, as the region says it of a missing backup
     * @throws InvalidSpecException naming {@code restoreFrom.backup} when the backup is another organization's
     */
    static void require(String target, RestoreSource source, Supplier<String> describe) {
        if (source == null || source.backup() == null) {
            return; // the region names what is missing
        }
        // an organization's name has no dash: the backup's owner is what comes before its first one
        Optional<String> ours = RegionNames.owner(target).map(RegionNames.Owned::organization);
        if (ours.isPresent() && !source.backup().startsWith(ours.get() + "-")) {
            throw new InvalidSpecException(List.of("restoreFrom.backup: no backup " + source.backup() + " in " + describe.get()));
        }
    }
}

package dev.canopy.controlplane.clusters;

/**
 * POST /clusters/{name}/upgrade: the new release and, optionally, how an engine version change rolls out
 * ({@code BlueGreen} or {@code CoordinatedRestart}); without it the spec's choice stays.
 */
public record UpgradeRequest(String release, String strategy) {

    public UpgradeRequest(String release) {
        this(release, null);
    }
}

package dev.canopy.controlplane.region;

/** The region holds the cluster in a state that refuses the change (it is being deleted). */
public class RegionConflictException extends RuntimeException {
    public RegionConflictException(String message) {
        super(message);
    }
}

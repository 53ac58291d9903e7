package dev.canopy.controlplane.region;

/** The cluster has no database user of that name made through the platform. */
public class UnknownUserException extends RuntimeException {
    public UnknownUserException(String message) {
        super(message);
    }
}

package dev.canopy.controlplane.region;

/** The region did not answer (or answered with an error that is not about the request): the API says 503. */
public class RegionUnavailableException extends RuntimeException {
    public RegionUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

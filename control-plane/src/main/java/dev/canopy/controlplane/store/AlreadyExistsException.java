package dev.canopy.controlplane.store;

/** An insert refused because a row with the same key is there already. */
public class AlreadyExistsException extends RuntimeException {
    public AlreadyExistsException(String message) {
        super(message);
    }
}

package dev.canopy.controlplane.store;

/**
 * A transaction ended by the database because it waited too long for another one's row, or to break a deadlock, or
 * because another one stored a row that contradicts it meanwhile: nothing of it was stored, and the same work may
 * succeed (or be refused for a reason it can name) when tried again.
 */
public class BusyException extends RuntimeException {
    public BusyException(String message, Throwable cause) {
        super(message, cause);
    }
}

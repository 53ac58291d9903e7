package dev.canopy.controlplane.store;

/** The first answer to a request made with an Idempotency-Key, and the hash of that request. */
public record StoredResponse(String requestSha256, int status, String body) {
}

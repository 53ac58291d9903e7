package dev.canopy.controlplane.auth;

import dev.canopy.controlplane.problem.ProblemException;
import dev.canopy.controlplane.store.ApiKey;
import dev.canopy.controlplane.store.ControlPlaneStore;

import java.util.Optional;

/** Turns the key of a request ({@code Authorization: Bearer <key>}) into the principal it stands for. */
public final class Authenticator {
    private final ControlPlaneStore store;

    public Authenticator(ControlPlaneStore store) {
        this.store = store;
    }

    public Principal authenticate(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw ProblemException.unauthorized("this route needs an API key: send 'Authorization: Bearer <key>'");
        }
        String key = bearer(authorizationHeader);
        // one answer for every failure, so that a caller cannot tell a known key id from an unknown one
        ProblemException refused = ProblemException.unauthorized("the API key is not valid (unknown, revoked or mistyped)");
        String id = ApiKeys.idOf(key).orElseThrow(() -> refused);
        Optional<ApiKey> stored = store.read(tx -> tx.key(id));
        if (stored.isEmpty() || !ApiKeys.matches(stored.get(), key)) {
            throw refused;
        }
        return new Principal(stored.get().organization(), id, stored.get().role());
    }

    /** The token of an {@code Authorization: Bearer <token>} header; empty for any other header, null for none. */
    public static String bearer(String authorizationHeader) {
        if (authorizationHeader == null) {
            return null;
        }
        return authorizationHeader.startsWith("Bearer ") ? authorizationHeader.substring("Bearer ".length()).trim() : "";
    }
}

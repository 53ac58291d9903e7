package dev.canopy.controlplane.auth;

import dev.canopy.controlplane.store.ApiKey;
import dev.canopy.controlplane.store.Role;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API keys: {@code cnp_<id>_<secret>}, the id (12 hex digits) public and used to find the stored key, the secret 256
 * random bits. Only the SHA-256 of the whole key is stored: with that much entropy a fast hash cannot be reversed by
 * guessing, so the slow password hashes buy nothing here.
 */
public final class ApiKeys {
    private static final Pattern FORMAT = Pattern.compile("cnp_([0-9a-f]{12})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A new key: what to store, and the key itself, to show once. */
    public record Issued(ApiKey stored, String key) {
    }

    public static Issued issue(String organization, Role role, String description, Instant now) {
        byte[] id = new byte[6];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String keyId = HexFormat.of().formatHex(id);
        String key = "cnp_" + keyId + "_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Issued(new ApiKey(keyId, organization, role, description, Hashing.sha256Hex(key), now, null), key);
    }

    /** The id of a key in the right format, empty for anything else. */
    public static Optional<String> idOf(String key) {
        if (key == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(key);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Whether the presented key is the stored one and still valid; compares in constant time. */
    public static boolean matches(ApiKey stored, String presented) {
        return !stored.revoked() && MessageDigest.isEqual(
                stored.secretSha256().getBytes(StandardCharsets.US_ASCII),
                Hashing.sha256Hex(presented).getBytes(StandardCharsets.US_ASCII));
    }
}

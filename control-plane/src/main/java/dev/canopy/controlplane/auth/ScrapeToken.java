package dev.canopy.controlplane.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The token a Prometheus server sends to read {@code /metrics} ({@code Authorization: Bearer <token>}), so that it needs
 * no API key, which would open every other route too. 256 random bits; only its SHA-256 is held in memory. Its format
 * is not an API key's, so no other route takes it.
 */
public final class ScrapeToken {
    private static final String PREFIX = "cnpscrape_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String sha256;

    private ScrapeToken(String sha256) {
        this.sha256 = sha256;
    }

    /** A new token, to write where the scraper's operator can read it. */
    public static String generate() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public static ScrapeToken of(String token) {
        if (!token.startsWith(PREFIX) || token.length() < PREFIX.length() + 43) {
            throw new IllegalArgumentException("not a scrape token: it starts with " + PREFIX + " and 43 characters follow");
        }
        return new ScrapeToken(Hashing.sha256Hex(token));
    }

    /** Whether the presented token is this one; compares in constant time. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(sha256.getBytes(StandardCharsets.US_ASCII),
                Hashing.sha256Hex(presented).getBytes(StandardCharsets.US_ASCII));
    }
}

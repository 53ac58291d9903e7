package dev.canopy.core;

import java.security.SecureRandom;
import java.util.Base64;

/** Passwords the platform makes: for its own login to a cluster, and for the users it creates there. */
public final class Passwords {
    /** 24 random bytes: 192 bits, 32 characters of base64url, nothing SQL, XML or a URL would need quoted. */
    private static final int BYTES = 24;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    public static String generate() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

package dev.canopy.controlplane.secrets;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Seals the secrets the control plane keeps in its database (a region's kubeconfig) with AES-256-GCM under a key the
 * platform's operator supplies, so that the database (its file, a dump, a PostgreSQL backup) holds no credential in
 * clear. A sealed value reads {@code sealed:v1:<base64 of nonce and ciphertext>}; a value without the prefix was stored
 * in clear by an earlier version and is read as it is (and sealed again at start, see the store).
 */
public final class SecretBox {
    public static final int KEY_BYTES = 32;
    private static final String PREFIX = "sealed:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String source;

    /** @param source where the key came from, for errors (never the key itself) */
    public SecretBox(byte[] key, String source) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(source + ": the secret key must be " + KEY_BYTES + " bytes (base64 of "
                    + "`openssl rand -base64 32`), got " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.source = source;
    }

    /** A box with a new random key (a first start, and tests). */
    public static SecretBox generate(String source) {
        return new SecretBox(newKey(), source);
    }

    public static byte[] newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    public String seal(String plain) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a secret: " + e.getMessage(), e);
        }
    }

    /**
     * The secret in clear.
     *
     * @param what what the secret is, for the error when the key does not open it ("region eu's kubeconfig")
     */
    public String open(String stored, String what) {
        if (stored == null || !isSealed(stored)) {
            return stored;
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new WrongSecretKeyException("cannot open " + what + " with the secret key from " + source
                    + ": it is not the key that sealed it; start the control plane with that key ($CANOPY_SECRET_KEY or"
                    + " $CANOPY_SECRET_KEY_FILE)", e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot open " + what + ": the stored value is damaged (" + e.getMessage() + ")", e);
        }
    }

    /** The key given does not open what the store holds. */
    public static final class WrongSecretKeyException extends IllegalStateException {
        WrongSecretKeyException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

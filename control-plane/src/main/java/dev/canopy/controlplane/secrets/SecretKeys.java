package dev.canopy.controlplane.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;

/**
 * Where the key that seals the control plane's secrets comes from: {@code $CANOPY_SECRET_KEY} (base64 of 32 bytes),
 * else the file {@code $CANOPY_SECRET_KEY_FILE} names, else {@code <data-dir>/secret.key}, made (0600) on the first
 * start. Keep the key apart from the database (it is what makes a copy of the database useless), and keep it: without
 * it the registered regions cannot be opened again.
 */
public final class SecretKeys {
    public static final String KEY_VARIABLE = "CANOPY_SECRET_KEY";
    public static final String FILE_VARIABLE = "CANOPY_SECRET_KEY_FILE";
    public static final String DEFAULT_FILE = "secret.key";

    private SecretKeys() {
    }

    public static SecretBox load(Path dataDir, Map<String, String> environment) {
        String inline = environment.get(KEY_VARIABLE);
        if (inline != null && !inline.isBlank()) {
            return new SecretBox(decode(inline, "$" + KEY_VARIABLE), "$" + KEY_VARIABLE);
        }
        String named = environment.get(FILE_VARIABLE);
        if (named != null && !named.isBlank()) {
            Path file = Path.of(named);
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("$" + FILE_VARIABLE + " names " + file + ", which does not exist: give the"
                        + " file that holds the control plane's secret key (base64 of 32 bytes)");
            }
            return new SecretBox(decode(read(file), file.toString()), file.toString());
        }
        Path file = dataDir.resolve(DEFAULT_FILE);
        if (!Files.exists(file)) {
            write(file, Base64.getEncoder().encodeToString(SecretBox.newKey()) + "\n");
        }
        return new SecretBox(decode(read(file), file.toString()), file.toString());
    }

    private static byte[] decode(String base64, String source) {
        try {
            return Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": the secret key must be base64 (of `openssl rand -base64 32`): "
                    + e.getMessage());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the secret key " + file, e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the secret key " + file, e);
        }
    }
}

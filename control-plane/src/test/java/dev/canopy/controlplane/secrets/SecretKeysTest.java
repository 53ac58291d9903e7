package dev.canopy.controlplane.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretKeysTest {
    @TempDir
    Path dataDir;

    @Test
    void theFirstStartMakesAKeyOnlyItsUserReadsAndLaterStartsUseIt() throws Exception {
        SecretBox first = SecretKeys.load(dataDir, Map.of());
        Path file = dataDir.resolve(SecretKeys.DEFAULT_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String sealed = first.seal("token: abc");
        assertThat(SecretKeys.load(dataDir, Map.of()).open(sealed, "a secret")).isEqualTo("token: abc");
    }

    @Test
    void aKeyFromTheEnvironmentOrAFileIsUsedAndABadOneRefusedNamingWhereItCameFrom() throws Exception {
        byte[] key = SecretBox.newKey();
        String base64 = Base64.getEncoder().encodeToString(key);
        String sealed = SecretKeys.load(dataDir, Map.of(SecretKeys.KEY_VARIABLE, base64)).seal("s");
        Path file = dataDir.resolve("elsewhere.key");
        Files.writeString(file, base64 + "\n");
        assertThat(SecretKeys.load(dataDir, Map.of(SecretKeys.FILE_VARIABLE, file.toString())).open(sealed, "s")).isEqualTo("s");
        assertThat(dataDir.resolve(SecretKeys.DEFAULT_FILE)).doesNotExist();

        assertThatThrownBy(() -> SecretKeys.load(dataDir, Map.of(SecretKeys.KEY_VARIABLE, "c2hvcnQ=")))
                .hasMessage("$CANOPY_SECRET_KEY: the secret key must be 32 bytes (base64 of `openssl rand -base64 32`), got 5");
        assertThatThrownBy(() -> SecretKeys.load(dataDir, Map.of(SecretKeys.KEY_VARIABLE, "not base64!")))
                .hasMessageStartingWith("$CANOPY_SECRET_KEY: the secret key must be base64");
        Path missing = dataDir.resolve("missing.key");
        assertThatThrownBy(() -> SecretKeys.load(dataDir, Map.of(SecretKeys.FILE_VARIABLE, missing.toString())))
                .hasMessage("$CANOPY_SECRET_KEY_FILE names " + missing + ", which does not exist: give the file that holds"
                        + " the control plane's secret key (base64 of 32 bytes)");
    }
}

package dev.canopy.controlplane.store;

import dev.canopy.controlplane.secrets.SecretBox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A commit the store acknowledged survives the death of its process right after (kill -9, a machine's OOM killer):
 * H2 kept commits in memory for up to half a second (its WRITE_DELAY), and a create answered 201 was lost.
 */
class ControlPlaneStoreDurabilityTest {
    /** The durability test stores no secret: any key will do, the same in both JVMs. */
    private static final SecretBox KEY = new SecretBox(new byte[SecretBox.KEY_BYTES], "a test key of zeros");
    private static final String COMMITTED = "committed";
    private static final int CLUSTERS = 5;
    private static final int HALTED = 77;

    @TempDir
    Path dataDir;

    @Test
    void everyCommitTheStoreAcknowledgedIsThereAfterTheProcessWasKilled() throws Exception {
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), CommitThenDie.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                output.add(line);
            }
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(output).as("the child's output").contains(COMMITTED);
        assertThat(child.exitValue()).as("the child halted, no shutdown hook ran").isEqualTo(HALTED);

        try (ControlPlaneStore store = ControlPlaneStore.open(ControlPlaneStore.defaultUrl(dataDir), null, null, KEY)) {
            assertThat(store.<List<ClusterRecord>>read(tx -> tx.clusters("acme"))).extracting(ClusterRecord::name)
                    .containsExactlyElementsOf(names());
        }
    }

    private static List<String> names() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= CLUSTERS; i++) {
            names.add("orders" + i);
        }
        return names;
    }

    /** In a JVM of its own: commits as the control plane does, says so, and dies at once, as with kill -9. */
    public static final class CommitThenDie {
        public static void main(String[] args) {
            Instant now = Instant.now();
            ControlPlaneStore store = ControlPlaneStore.open(ControlPlaneStore.defaultUrl(Path.of(args[0])), null, null, KEY);
            store.transaction(tx -> {
                tx.insertOrganization(new Organization("acme", now));
                return null;
            });
            for (String name : names()) {
                store.transaction(tx -> {
                    tx.insertCluster(new ClusterRecord("acme", name, "local", "acme-" + name, ControlPlaneStoreTest.SPEC,
                            1, 1, now, now));
                    return null;
                });
            }
            System.out.println(COMMITTED);
            System.out.flush();
            Runtime.getRuntime().halt(HALTED);
        }
    }
}

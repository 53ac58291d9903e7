package dev.canopy.region.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformLockTest {
    @TempDir
    Path dataDir;

    @Test
    void nothingIsHeldBeforeAnyPlatform() throws Exception {
        assertThat(PlatformLock.isHeld(dataDir)).isFalse();
        assertThat(heldAccordingToAnotherProcess()).isFalse();
    }

    @Test
    void aSecondAcquireInTheSameJvmIsRefusedWhileTheFirstHoldsIt() {
        Optional<PlatformLock> first = PlatformLock.acquire(dataDir);
        assertThat(first).isPresent();
        try {
            assertThat(dataDir.resolve("platform.lock")).exists();
            assertThat(PlatformLock.isHeld(dataDir)).isTrue();

            Optional<PlatformLock> second = PlatformLock.acquire(dataDir);
            second.ifPresent(PlatformLock::close);
            assertThat(second).isEmpty();
            assertThat(PlatformLock.isHeld(dataDir)).isTrue();
        } finally {
            first.get().close();
        }
        assertThat(PlatformLock.isHeld(dataDir)).isFalse();

        // released for good: it can be taken again
        Optional<PlatformLock> again = PlatformLock.acquire(dataDir);
        try {
            assertThat(again).isPresent();
        } finally {
            again.ifPresent(PlatformLock::close);
        }
    }

    @Test
    void anotherProcessSeesTheLockEvenAfterProbesInTheHoldingJvm() throws Exception {
        Optional<PlatformLock> lock = PlatformLock.acquire(dataDir);
        assertThat(lock).isPresent();
        try {
            assertThat(heldAccordingToAnotherProcess()).isTrue();
            // probes from the holding JVM itself must not give the OS lock away (record locks belong to the process:
            // closing any channel of the lock file would release them)
            assertThat(PlatformLock.acquire(dataDir)).isEmpty();
            assertThat(PlatformLock.isHeld(dataDir)).isTrue();
            assertThat(heldAccordingToAnotherProcess()).isTrue();
        } finally {
            lock.get().close();
        }
        assertThat(heldAccordingToAnotherProcess()).isFalse();
    }

    /** Runs {@link LockProbe} in a JVM of its own: how the CLI sees a platform that runs in another process. */
    private boolean heldAccordingToAnotherProcess() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = location(PlatformLock.class) + File.pathSeparator + location(LockProbe.class);
        Process probe = new ProcessBuilder(List.of(java, "-cp", classpath, LockProbe.class.getName(), dataDir.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("the probe process ended in time").isTrue();
            int code = probe.exitValue();
            assertThat(code).as("the probe's exit code").isIn(0, 1);
            return code == 0;
        } finally {
            probe.destroyForcibly();
        }
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}

package dev.canopy.region.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One platform per data directory: it holds an OS file lock while it runs (released by the OS if it dies), and writes
 * its pid beside it so that the CLI can tell whether a platform is there to carry out what it stores.
 */
public final class PlatformLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private PlatformLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or empty when another platform holds it. */
    public static Optional<PlatformLock> acquire(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            FileChannel channel = FileChannel.open(dataDir.resolve("platform.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            Files.writeString(dataDir.resolve("platform.pid"), Long.toString(ProcessHandle.current().pid()));
            return Optional.of(new PlatformLock(channel, lock));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dataDir, e);
        }
    }

    /** Whether a platform runs on this data directory now. */
    public static boolean isHeld(Path dataDir) {
        if (!Files.exists(dataDir.resolve("platform.lock"))) {
            return false;
        }
        Optional<PlatformLock> probe = acquire(dataDir);
        probe.ifPresent(PlatformLock::close);
        return probe.isEmpty();
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the OS releases it with the process anyway
        }
    }
}

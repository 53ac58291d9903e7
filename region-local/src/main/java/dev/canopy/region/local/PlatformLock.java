package dev.canopy.region.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One platform per data directory: it holds an OS file lock while it runs (released by the OS if it dies), and writes
 * its pid beside it so that the CLI can tell whether a platform is there to carry out what it stores.
 */
public final class PlatformLock implements AutoCloseable {
    /**
     * Lock files this JVM holds. Another channel on one of them must not even be opened: tryLock on it would throw
     * OverlappingFileLockException, and closing it would release the OS lock (record locks belong to the process).
     */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private PlatformLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or empty when another platform (in another process or in this one) holds it. */
    public static Optional<PlatformLock> acquire(Path dataDir) {
        Path file;
        try {
            DataDirectory.ownerOnly(dataDir);
            file = dataDir.toRealPath().resolve("platform.lock");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dataDir, e);
        }
        if (!HELD_HERE.add(file)) {
            return Optional.empty();
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                HELD_HERE.remove(file);
                return Optional.empty();
            }
            return Optional.of(new PlatformLock(file, channel, lock));
        } catch (IOException e) {
            HELD_HERE.remove(file);
            throw new UncheckedIOException("cannot lock " + dataDir, e);
        } catch (RuntimeException e) {
            HELD_HERE.remove(file);
            throw e;
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
    public synchronized void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the OS releases it with the process anyway
        } finally {
            HELD_HERE.remove(file);
        }
    }
}

package dev.canopy.region.local;

import java.nio.file.Path;

/** Run in its own JVM by {@link PlatformLockTest}: exits 0 when a platform holds the data directory's lock, 1 when not. */
public final class LockProbe {
    private LockProbe() {
    }

    public static void main(String[] args) {
        System.exit(PlatformLock.isHeld(Path.of(args[0])) ? 0 : 1);
    }
}

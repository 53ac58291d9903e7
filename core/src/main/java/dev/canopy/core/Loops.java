package dev.canopy.core;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** How the platform's background loops stop. */
public final class Loops {
    private Loops() {
    }

    /**
     * Takes no new pass, lets the one under way end, at most {@code wait}, then interrupts it. A pass interrupted
     * half-way fails in whatever it was waiting on (the store's connection pool, a node's answer) and says so as a
     * warning: ending it first keeps a stop quiet.
     */
    public static void finishThenStop(ExecutorService loop, Duration wait) {
        loop.shutdown();
        try {
            if (!loop.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                loop.shutdownNow();
            }
        } catch (InterruptedException e) {
            loop.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

package dev.canopy.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Copies of a cluster's tables and rows into another ({@link Switchover#copySchema}, {@link Switchover#copyRows}), run
 * apart from the passes that ask for them: a copy takes as long as the rows take, and a region's passes (its other
 * clusters' healing among them) must not wait that long. A pass asks with {@link #poll} until the copy is done.
 */
public final class BackgroundCopies {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundCopies.class);

    private final Switchover switchover;
    private final Clock clock;
    private final Map<String, CompletableFuture<Result>> copies = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "canopy-copy");
        thread.setDaemon(true);
        return thread;
    });

    public BackgroundCopies(Switchover switchover, Clock clock) {
        this.switchover = switchover;
        this.clock = clock;
    }

    /** A finished copy: the tables made in the target, the rows copied per table, and when it ended. */
    public record Result(List<String> tables, Map<String, Long> rows, Instant finishedAt, long millis) {
        public long totalRows() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * The copy known by {@code key}: started now when none runs (empty), still running (empty), or done (its result,
     * handed out once). A copy that failed throws its cause once; the next poll starts it again.
     */
    public Optional<Result> poll(String key, Topology source, Topology target) {
        CompletableFuture<Result> copy = copies.computeIfAbsent(key, k -> {
            LOG.info("{}: copying the tables and rows of {} into {}", key, source.cluster(), target.cluster());
            return CompletableFuture.supplyAsync(() -> {
                long started = System.nanoTime();
                List<String> tables = switchover.copySchema(source, target);
                Map<String, Long> rows = switchover.copyRows(source, target);
                return new Result(tables, rows, clock.instant(), (System.nanoTime() - started) / 1_000_000);
            }, threads);
        });
        if (!copy.isDone()) {
            return Optional.empty();
        }
        copies.remove(key, copy);
        try {
            return Optional.of(copy.join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Whether a copy of {@code key} runs. */
    public boolean running(String key) {
        CompletableFuture<Result> copy = copies.get(key);
        return copy != null && !copy.isDone();
    }

    /** Forgets the copy of {@code key} (an upgrade abandoned, a replica promoted): a running one ends on its own. */
    public void forget(String key) {
        copies.remove(key);
    }
}

package dev.canopy.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class LoopsTest {
    @Test
    void aPassUnderWayEndsBeforeTheLoopStops() throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor();
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean ended = new AtomicBoolean();
        loop.submit(() -> {
            running.countDown();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            ended.set(true);
        });
        running.await();
        Loops.finishThenStop(loop, Duration.ofSeconds(10));
        assertThat(ended).as("not interrupted: it ended on its own").isTrue();
        assertThat(loop.isTerminated()).isTrue();
    }

    @Test
    void aPassThatOutlastsTheWaitIsInterrupted() throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor();
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        loop.submit(() -> {
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        running.await();
        Loops.finishThenStop(loop, Duration.ofMillis(100));
        assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted).isTrue();
    }
}

package dev.canopy.backup;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class BackupWorkerTest {

    @Test
    void stoppingInterruptsTheCopyInProgressAndWaitsForItToEnd() throws InterruptedException {
        ExecutorService worker = Executors.newSingleThreadExecutor();
        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        worker.execute(() -> {
            copying.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertThat(copying.await(10, TimeUnit.SECONDS)).isTrue();

        BackupWorker.stop(worker);

        assertThat(worker.isTerminated()).as("ended within the wait").isTrue();
        assertThat(interrupted).as("the copy was interrupted").isTrue();
    }
}

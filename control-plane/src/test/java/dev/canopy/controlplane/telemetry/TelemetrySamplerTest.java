package dev.canopy.controlplane.telemetry;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TelemetrySamplerTest {
    private static final TelemetryHistory.Key STUCK = new TelemetryHistory.Key("acme", "stuck");
    private static final TelemetryHistory.Key DOWN = new TelemetryHistory.Key("acme", "down");
    private static final TelemetryHistory.Key NEW = new TelemetryHistory.Key("acme", "new");
    private static final TelemetryHistory.Key FAR = new TelemetryHistory.Key("acme", "far");

    @Test
    void aClusterStillProvisioningIsNotAskedWhileItsAggregatorsStart() {
        java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
        EngineProbe probe = url -> {
            probes.incrementAndGet();
            throw new ConnectException("Connection refused");
        };
        TelemetryHistory history = new TelemetryHistory(100);
        dev.canopy.api.DatabaseClusterStatus provisioning = new dev.canopy.api.DatabaseClusterStatus(dev.canopy.api.Phase.Provisioning,
                List.of(), 1L, null, null, null, null, null);
        new TelemetrySampler(() -> List.of(), probe, history, history::add, Clock.systemUTC(), () -> true)
                .sample(new TelemetrySampler.Target(NEW, provisioning, "jdbc:ignite:thin://127.0.0.1:1", null));
        assertThat(probes.get()).as("an aggregator asked to log in while joining deadlocks").isZero();
        assertThat(history.latest(NEW).orElseThrow().error()).startsWith("not serving yet");
    }

    @Test
    void aReplicaNotHoldingTheDutiesProbesNothingUntilItTakesThem() {
        AtomicInteger probes = new AtomicInteger();
        AtomicInteger ticks = new AtomicInteger();
        AtomicBoolean holds = new AtomicBoolean();
        EngineProbe probe = url -> {
            probes.incrementAndGet();
            return SamplesTest.READING;
        };
        TelemetryHistory history = new TelemetryHistory(100);
        List<TelemetrySampler.Target> targets = List.of(new TelemetrySampler.Target(DOWN, SamplesTest.READY, "jdbc:down", null));
        BooleanSupplier held = () -> {
            ticks.incrementAndGet();
            return holds.get();
        };
        try (TelemetrySampler sampler = new TelemetrySampler(() -> targets, probe, history, history::add, Clock.systemUTC(), held)
                .start(Duration.ofMillis(20))) {
            await("ticks without the duties").atMost(Duration.ofSeconds(10)).until(() -> ticks.get() >= 5);
            assertThat(probes.get()).isZero();
            assertThat(history.samples(DOWN)).isEmpty();

            holds.set(true);
            await("samples once it holds them").atMost(Duration.ofSeconds(10)).until(() -> history.samples(DOWN).size() >= 2);
            assertThat(probes.get()).isGreaterThanOrEqualTo(2);
            assertThat(history.latest(DOWN).orElseThrow().queriesPerSecond()).as("the rate, from the sample before").isNotNull();
        }
    }

    @Test
    void aClusterThatNeverAnswersDelaysNoOtherAndAnUnreachableOneIsSampledAsSuch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        EngineProbe probe = url -> {
            if (url.equals("jdbc:stuck")) {
                release.await();
                throw new IllegalStateException("released");
            }
            throw new ConnectException("Connection refused");
        };
        TelemetryHistory history = new TelemetryHistory(100);
        List<TelemetrySampler.Target> targets = List.of(
                new TelemetrySampler.Target(STUCK, SamplesTest.READY, "jdbc:stuck", null),
                new TelemetrySampler.Target(DOWN, SamplesTest.READY, "jdbc:down", null),
                new TelemetrySampler.Target(NEW, null, null, null),
                new TelemetrySampler.Target(FAR, null, null, "eu-west: connection refused"));
        try (TelemetrySampler sampler = new TelemetrySampler(() -> targets, probe, history, history::add, Clock.systemUTC(), () -> true)
                .start(Duration.ofMillis(20))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> history.samples(DOWN).size() >= 3 && history.samples(NEW).size() >= 3
                    && !history.samples(FAR).isEmpty());
            assertThat(history.samples(STUCK)).as("its one probe has not ended").isEmpty();
            ClusterSample down = history.latest(DOWN).orElseThrow();
            assertThat(down.reachable()).isFalse();
            assertThat(down.error()).isEqualTo("engine unreachable: Connection refused");
            assertThat(down.nodesUp()).isEqualTo(5);
            assertThat(history.latest(NEW).orElseThrow().error()).isEqualTo("no SQL endpoint yet");
            assertThat(history.latest(FAR).orElseThrow().error()).isEqualTo("region unavailable: eu-west: connection refused");

            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> !history.samples(STUCK).isEmpty());
            assertThat(history.latest(STUCK).orElseThrow().error()).isEqualTo("engine unreachable: released");
        }
    }
}

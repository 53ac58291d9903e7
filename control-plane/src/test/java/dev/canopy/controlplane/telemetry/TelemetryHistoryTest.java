package dev.canopy.controlplane.telemetry;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetryHistoryTest {
    private static final TelemetryHistory.Key ORDERS = new TelemetryHistory.Key("acme", "orders");
    private static final TelemetryHistory.Key USERS = new TelemetryHistory.Key("acme", "users");

    private static ClusterSample at(int second) {
        return Samples.of(Instant.EPOCH.plusSeconds(second), SamplesTest.READY, null, "down", null);
    }

    @Test
    void keepsTheLastSamplesUpToItsCapacityOldestFirst() {
        TelemetryHistory history = new TelemetryHistory(3);
        for (int i = 0; i < 5; i++) {
            history.add(ORDERS, at(i));
        }
        assertThat(history.samples(ORDERS)).extracting(s -> s.at().getEpochSecond()).containsExactly(2L, 3L, 4L);
        assertThat(history.latest(ORDERS).orElseThrow().at().getEpochSecond()).isEqualTo(4);
        assertThat(history.samples(USERS)).isEmpty();
    }

    @Test
    void aSampleOlderThanTheNewestIsLeftOutSoThatTheHistoryStaysInTimeOrder() {
        TelemetryHistory history = new TelemetryHistory(10);
        history.add(ORDERS, at(5));
        history.add(ORDERS, at(3));
        history.add(ORDERS, at(6));
        assertThat(history.samples(ORDERS)).extracting(s -> s.at().getEpochSecond()).containsExactly(5L, 6L);
    }

    @Test
    void aClusterGoneFromTheListLeavesNeitherHistoryNorSeries() {
        TelemetryHistory history = new TelemetryHistory(10);
        history.add(ORDERS, at(1));
        history.add(USERS, Samples.of(Instant.EPOCH, SamplesTest.READY, SamplesTest.READING, null, null));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TelemetryGauges gauges = new TelemetryGauges(history, registry);
        gauges.refresh();
        assertThat(registry.scrape()).contains("canopy_cluster_nodes_up{cluster=\"users\",organization=\"acme\"} 5.0")
                .contains("canopy_cluster_table_rows{cluster=\"users\",organization=\"acme\",table=\"PUBLIC.ORDERS\"} 42.0");

        history.retain(Set.of(ORDERS));
        gauges.refresh();
        assertThat(history.samples(USERS)).isEmpty();
        assertThat(registry.scrape()).doesNotContain("cluster=\"users\"")
                .contains("canopy_cluster_nodes_up{cluster=\"orders\",organization=\"acme\"} 5.0");
    }
}

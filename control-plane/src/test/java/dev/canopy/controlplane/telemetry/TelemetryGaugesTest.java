package dev.canopy.controlplane.telemetry;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.RebalanceStatus;
import dev.canopy.backup.BackupStatus;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The series the alert rules ask for: redundancy, a rebalance's progress, the last backup, from the region's status. */
class TelemetryGaugesTest {
    private static final TelemetryHistory.Key ORDERS = new TelemetryHistory.Key("acme", "orders");
    private static final String LABELS = "{cluster=\"orders\",organization=\"acme\"}";
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    private static String scrape(DatabaseClusterStatus status, EngineReading reading) {
        TelemetryHistory history = new TelemetryHistory(2);
        history.add(ORDERS, Samples.of(T0, status, reading, reading == null ? "down" : null, null));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new TelemetryGauges(history, registry).refresh();
        return registry.scrape();
    }

    @Test
    void aStalledRebalanceMissingRedundancyAndAFailedBackupAreSeries() {
        DatabaseClusterStatus status = new DatabaseClusterStatus(SamplesTest.READY.phase(), java.util.List.of(
                new Condition(Condition.REDUNDANCY_MET, Condition.FALSE, "LeafDown", "", null),
                new Condition(BackupStatus.BACKUP, Condition.FALSE, "BackupFailed", "backup b1 failed: disk full", "2026-12-07T09:00:00Z")),
                1L, SamplesTest.READY.aggregators(), SamplesTest.READY.leaves(), "2.17.0", null, null,
                new RebalanceStatus(12, "2026-12-07T09:30:00Z"));
        assertThat(scrape(status, null))
                .contains("canopy_cluster_redundancy_met" + LABELS + " 0.0")
                .contains("canopy_cluster_rebalance_copies_not_owning" + LABELS + " 12.0")
                .contains("canopy_cluster_rebalance_unchanged_since_timestamp_seconds" + LABELS + " "
                        + (double) Instant.parse("2026-12-07T09:30:00Z").getEpochSecond())
                .contains("canopy_cluster_backup_succeeded" + LABELS + " 0.0")
                .contains("canopy_cluster_backup_finished_timestamp_seconds" + LABELS + " "
                        + (double) Instant.parse("2026-12-07T09:00:00Z").getEpochSecond());
    }

    @Test
    void whatTheStatusDoesNotSayGivesNoSeriesRatherThanAMadeUpValue() {
        // READY has no RedundancyMet condition, no rebalance under way and no backup yet
        String scrape = scrape(SamplesTest.READY, null);
        assertThat(scrape).doesNotContain("canopy_cluster_redundancy_met{")
                .doesNotContain("canopy_cluster_rebalance_unchanged_since_timestamp_seconds{")
                .doesNotContain("canopy_cluster_backup_succeeded{")
                .doesNotContain("canopy_cluster_backup_finished_timestamp_seconds{")
                .doesNotContain("canopy_cluster_heap_max_bytes{")
                .doesNotContain("canopy_cluster_storage_used_bytes{")
                .contains("canopy_cluster_rebalance_copies_not_owning" + LABELS + " 0.0");
    }

    @Test
    void theHeapLimitAndTheSlowestStatementComeFromTheEngine() {
        assertThat(scrape(SamplesTest.READY, SamplesTest.READING))
                .contains("canopy_cluster_heap_max_bytes" + LABELS + " 3000.0")
                .contains("canopy_cluster_query_slowest_seconds" + LABELS + " 0.012")
                .contains("canopy_cluster_storage_used_bytes" + LABELS + " 8192.0");
    }
}

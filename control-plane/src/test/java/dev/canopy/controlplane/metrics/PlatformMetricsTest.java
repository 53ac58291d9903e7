package dev.canopy.controlplane.metrics;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformMetricsTest {
    @Test
    void aRequestIsCountedWithItsStatusAndTimedByRouteInFixedBuckets() {
        PlatformMetrics metrics = new PlatformMetrics(Map::of);
        metrics.request("GET", "/api/v1/clusters", 200, Duration.ofMillis(30));
        metrics.request("GET", "/api/v1/clusters", 503, Duration.ofSeconds(3));
        String scrape = metrics.scrape();
        assertThat(scrape)
                .contains("canopy_api_requests_total{method=\"GET\",route=\"/api/v1/clusters\",status=\"503\"} 1")
                .contains("canopy_api_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/clusters\",le=\"0.025\"} 0")
                .contains("canopy_api_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/clusters\",le=\"0.05\"} 1")
                .contains("canopy_api_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/clusters\",le=\"5.0\"} 2")
                .contains("canopy_api_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/clusters\"} 2")
                .doesNotContain("canopy_api_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/clusters\",status");
    }

    @Test
    void theDutiesGaugeFollowsTheLease() {
        PlatformMetrics metrics = new PlatformMetrics(Map::of);
        AtomicBoolean held = new AtomicBoolean(false);
        metrics.duties(held::get);
        assertThat(metrics.scrape()).contains("canopy_duties_held 0.0");
        held.set(true);
        assertThat(metrics.scrape()).contains("canopy_duties_held 1.0");
    }
}

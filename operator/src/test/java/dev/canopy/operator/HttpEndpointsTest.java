package dev.canopy.operator;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real HTTP server on an ephemeral port, asked by a real HTTP client. */
class HttpEndpointsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(HttpEndpoints endpoints, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesPrometheusMetricsLivenessAndReadiness() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("canopy.reconcile.steps", "step", "StartNodes", "reason", "StartingLeaves").increment();
        AtomicBoolean ready = new AtomicBoolean(false);
        try (HttpEndpoints endpoints = new HttpEndpoints(0, registry, ready::get).start()) {
            assertThat(endpoints.address().getAddress().isAnyLocalAddress()).as("every interface by default").isTrue();
            HttpResponse<String> metrics = get(endpoints, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("canopy_reconcile_steps_total{reason=\"StartingLeaves\",step=\"StartNodes\"} 1.0");
            assertThat(get(endpoints, "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(endpoints, "/readyz").statusCode()).isEqualTo(503);
            ready.set(true);
            assertThat(get(endpoints, "/readyz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void listensOnlyOnTheAddressItIsGiven() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (HttpEndpoints endpoints = new HttpEndpoints(loopback, 0, registry, () -> true).start()) {
            assertThat(endpoints.address().getAddress()).isEqualTo(loopback);
            assertThat(endpoints.address().getAddress().isLoopbackAddress()).isTrue();
            assertThat(get(endpoints, "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(endpoints, "/readyz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aPortInUseIsReportedWithItsAddress() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (HttpEndpoints first = new HttpEndpoints(loopback, 0, registry, () -> true).start()) {
            assertThatThrownBy(() -> new HttpEndpoints(loopback, first.port(), registry, () -> true))
                    .isInstanceOf(UncheckedIOException.class).hasMessageStartingWith("cannot listen on 127.0.0.1 port " + first.port() + ": ");
        }
    }
}

package dev.canopy.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * /metrics (Prometheus text), /healthz (liveness: the process serves) and /readyz (readiness: the operator started and
 * its informers are healthy). The JDK's own HTTP server: three plain endpoints need no framework.
 */
public final class HttpEndpoints implements AutoCloseable {
    private final HttpServer server;

    /** On every interface: in a pod, the kubelet's probes come from outside it. */
    public HttpEndpoints(int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        this(new InetSocketAddress(port), registry, ready);
    }

    public HttpEndpoints(InetAddress address, int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        this(new InetSocketAddress(address, port), registry, ready);
    }

    private HttpEndpoints(InetSocketAddress address, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address.getAddress().getHostAddress() + " port "
                    + address.getPort() + ": " + e.getMessage(), e);
        }
        server.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4", registry.scrape()));
        server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
        server.createContext("/readyz", exchange -> {
            boolean isReady = ready.getAsBoolean();
            respond(exchange, isReady ? 200 : 503, "text/plain", isReady ? "ready\n" : "not ready\n");
        });
    }

    public HttpEndpoints start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Where it listens, as a URL: http://127.0.0.1:8081, http://[::1]:8081, http://0.0.0.0:8080 for every interface. */
    public String url() {
        InetAddress address = server.getAddress().getAddress();
        String host = address.getHostAddress();
        return "http://" + (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port();
    }

    /** Where it listens. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(1);
    }
}

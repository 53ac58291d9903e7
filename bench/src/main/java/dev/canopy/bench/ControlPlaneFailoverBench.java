package dev.canopy.bench;

import dev.canopy.cli.Main;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.canopy.bench.BenchSupport.log;

/**
 * Failover of the control plane's background duties: two {@code canopy serve} processes on one embedded PostgreSQL,
 * reads and writes through the API on both; the replica holding the duties' lease is killed with -9, and the lease's
 * row in the database tells when the other holds it. Requests to the replica that lives on are counted: none may fail.
 */
final class ControlPlaneFailoverBench implements FigureGroup {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration STARTED_WITHIN = Duration.ofMinutes(2);
    private static final Duration TAKEN_OVER_WITHIN = Duration.ofSeconds(60);

    @Override
    public String name() {
        return "control-plane-failover";
    }

    @Override
    public void run(int run, Path dir, Runs runs) throws Exception {
        List<Process> started = new ArrayList<>();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String dbUrl = postgres.getJdbcUrl("postgres", "postgres");
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String secretKey = Base64.getEncoder().encodeToString(key);
            Replica first = start(dir, "first", dbUrl, secretKey, started);
            awaitHealthy(first);
            long deadline = System.nanoTime() + STARTED_WITHIN.toNanos();
            while (!holder(dbUrl).contains("/" + first.process().pid() + "/")) {
                sleepUntil(deadline, "the first replica holds the duties");
            }
            String adminKey = Files.readString(first.dataDir().resolve("admin.key")).strip();
            Replica second = start(dir, "second", dbUrl, secretKey, started);
            awaitHealthy(second);

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            Thread load = new Thread(() -> {
                // paced, 40 rounds a second: the API limits each key to 200 requests a second per process, and the
                // killed replica refuses connections at once, which would leave the loop unpaced
                long next = System.nanoTime();
                while (running.get()) {
                    next += Duration.ofMillis(25).toNanos();
                    java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
                    int read = send(second, "GET", "/api/v1/clusters", null, adminKey);
                    int write = send(second, "POST", "/api/v1/keys", "{\"role\": \"viewer\"}", adminKey);
                    ok.addAndGet((read / 100 == 2 ? 1 : 0) + (write / 100 == 2 ? 1 : 0));
                    failed.addAndGet((read / 100 == 2 ? 0 : 1) + (write / 100 == 2 ? 0 : 1));
                    send(first, "GET", "/api/v1/clusters", null, adminKey);
                }
            }, "failover-load");
            load.start();
            try {
                long warm = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < warm) {
                    Thread.sleep(50);
                }
                long killed = System.nanoTime();
                first.process().destroyForcibly().waitFor();
                long takeoverDeadline = killed + TAKEN_OVER_WITHIN.toNanos();
                while (!holder(dbUrl).contains("/" + second.process().pid() + "/")) {
                    sleepUntil(takeoverDeadline, "the second replica takes the duties over");
                }
                double takeover = (System.nanoTime() - killed) / 1e9;
                long after = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < after) {
                    Thread.sleep(50);
                }
                running.set(false);
                load.join();
                log("duties taken over %.2f s after the kill; the other replica answered %d requests, %d failed", takeover, ok.get(), failed.get());
                if (failed.get() > 0) {
                    throw new IllegalStateException(failed.get() + " requests to the replica that lived on failed");
                }
                runs.record("cp-failover-s", Math.round(takeover * 100) / 100.0);
                runs.record("cp-failover-served", ok.get());
            } finally {
                running.set(false);
                load.join();
            }
        } finally {
            for (Process process : started) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public List<Figure> figures(Runs runs) {
        return List.of(new Figure("Control plane: background duties taken over after the replica holding them is killed -9 (two"
                        + " `canopy serve` processes on one PostgreSQL, reads and writes on both; lease 6 s, renewed every 2 s)", "s",
                runs.get("cp-failover-s"), "none (every request to the other replica answered, or the run fails)", List.of()));
    }

    private record Replica(Process process, Path dataDir, int port) {
    }

    private static Replica start(Path dir, String name, String dbUrl, String secretKey, List<Process> started) throws IOException {
        Path dataDir = dir.resolve(name);
        Files.createDirectories(dataDir);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xm")).forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "--data-dir", dataDir.toString(),
                "serve", "--port", Integer.toString(port), "--db-url", dbUrl));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile());
        builder.environment().put("CANOPY_SECRET_KEY", secretKey);
        Process process = builder.start();
        started.add(process);
        return new Replica(process, dataDir, port);
    }

    private static void awaitHealthy(Replica replica) throws InterruptedException {
        long deadline = System.nanoTime() + STARTED_WITHIN.toNanos();
        while (send(replica, "GET", "/api/v1/health", null, null) != 200) {
            if (!replica.process().isAlive()) {
                throw new IllegalStateException("replica " + replica.dataDir() + " exited: see its .out file beside it");
            }
            sleepUntil(deadline, "replica " + replica.dataDir() + " answers");
        }
    }

    /** The lease's holder as the database has it; empty before any replica took it. */
    private static String holder(String dbUrl) throws SQLException {
        try (Connection sql = DriverManager.getConnection(dbUrl); Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT holder FROM leases WHERE expires_at > CURRENT_TIMESTAMP")) {
            return rs.next() ? rs.getString(1) : "";
        } catch (SQLException e) {
            // the schema is made by the first replica's start
            return "";
        }
    }

    private static void sleepUntil(long deadline, String what) throws InterruptedException {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("not within the bench's time: " + what);
        }
        Thread.sleep(20);
    }

    private static int send(Replica replica, String method, String path, String body, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path))
                .timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}

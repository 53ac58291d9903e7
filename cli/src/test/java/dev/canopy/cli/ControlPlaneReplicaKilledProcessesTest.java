package dev.canopy.cli;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two control planes, each its own process ({@code canopy serve}), on one real PostgreSQL: both answer the API at once;
 * the one holding the background duties is killed with -9 under load, the other answers every request meanwhile and
 * takes the duties over within seconds (its lease expires: nothing released it).
 */
class ControlPlaneReplicaKilledProcessesTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern DUTIES = Pattern.compile("^(\\S+ \\S+) INFO .* this replica does the background duties now", Pattern.MULTILINE);
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    @TempDir
    Path dir;
    private EmbeddedPostgres postgres;
    private final List<Process> replicas = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Process replica : replicas) {
            replica.destroyForcibly();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theOtherReplicaAnswersEveryRequestAndTakesTheDutiesOverWhenOneIsKilled() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        String dbUrl = postgres.getJdbcUrl("postgres", "postgres");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secretKey = Base64.getEncoder().encodeToString(key);

        Replica first = start("first", dbUrl, secretKey);
        await("the first replica answers").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> health(first) == 200);
        await("the first replica holds the duties").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> dutiesTakenAt(first).isPresent());
        String adminKey = Files.readString(first.dataDir().resolve("admin.key")).strip();
        Replica second = start("second", dbUrl, secretKey);
        await("the second replica answers").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> health(second) == 200);
        assertThat(get(second, "/api/v1/clusters", adminKey)).as("the same organization and key on both").isEqualTo(200);
        assertThat(dutiesTakenAt(second)).as("one replica at a time does the duties").isEmpty();

        // load on both: a read and a write (a key made) per round on each
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong secondOk = new AtomicLong();
        AtomicLong secondFailed = new AtomicLong();
        java.util.Set<Integer> failures = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread load = new Thread(() -> {
            // paced, 40 rounds a second: the API limits each key to 200 requests a second per process, and a killed
            // replica refuses connections at once, which would leave the loop unpaced
            long next = System.nanoTime();
            while (running.get()) {
                for (String path : List.of("/api/v1/clusters", "/api/v1/keys")) {
                    int status = path.endsWith("keys") ? post(second, path, "{\"role\": \"viewer\"}", adminKey) : get(second, path, adminKey);
                    if (status / 100 == 2) {
                        secondOk.incrementAndGet();
                    } else {
                        secondFailed.incrementAndGet();
                        failures.add(status);
                    }
                }
                get(first, "/api/v1/clusters", adminKey);
                next += Duration.ofMillis(25).toNanos();
                java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
            }
        }, "load");
        load.start();
        await("the load runs on the second replica").atMost(Duration.ofSeconds(30)).until(() -> secondOk.get() >= 50);

        long killedAt = System.currentTimeMillis();
        first.process().destroyForcibly().waitFor();
        await("the second replica takes the duties over").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> dutiesTakenAt(second).isPresent());
        long takeover = dutiesTakenAt(second).orElseThrow() - killedAt;
        long okAtTakeover = secondOk.get();
        await("the load goes on after the takeover").atMost(Duration.ofSeconds(30)).until(() -> secondOk.get() >= okAtTakeover + 50);
        running.set(false);
        load.join();

        System.out.printf("control-plane replica killed: duties taken over %.1f s after the kill; the other replica answered"
                + " %d requests, %d failed%n", takeover / 1000.0, secondOk.get(), secondFailed.get());
        assertThat(takeover).as("the duties taken over within 10 s of the kill").isLessThan(10_000);
        assertThat(secondFailed.get()).as("requests to the replica that lives on that failed (statuses " + failures + ")").isZero();
    }

    private record Replica(Process process, Path dataDir, int port) {
    }

    private Replica start(String name, String dbUrl, String secretKey) throws IOException {
        Path dataDir = dir.resolve(name);
        Files.createDirectories(dataDir);
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).forEach(command::add);
        // the platform's own logging (its platform.log), not the tests' console-only configuration on this class path
        command.addAll(List.of("-Dlogback.configurationFile=logback.xml", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--data-dir", dataDir.toString(), "serve", "--port", Integer.toString(port), "--db-url", dbUrl));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile());
        builder.environment().put("CANOPY_SECRET_KEY", secretKey);
        Replica replica = new Replica(builder.start(), dataDir, port);
        replicas.add(replica.process());
        return replica;
    }

    /** When the replica's log says it took the duties (epoch ms), from its platform log. */
    private static Optional<Long> dutiesTakenAt(Replica replica) throws IOException {
        Path log = replica.dataDir().resolve("platform.log");
        if (!Files.exists(log)) {
            return Optional.empty();
        }
        Matcher taken = DUTIES.matcher(Files.readString(log));
        return taken.find() ? Optional.of(LocalDateTime.parse(taken.group(1), LOG_TIME).atZone(ZoneId.systemDefault())
                .toInstant().toEpochMilli()) : Optional.empty();
    }

    private static int health(Replica replica) {
        return get(replica, "/api/v1/health", null);
    }

    private static int get(Replica replica, String path, String key) {
        return send(replica, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path)).GET(), key);
    }

    private static int post(Replica replica, String path, String body, String key) {
        return send(replica, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), key);
    }

    /** The answer's status; 0 when none came (the replica is gone). */
    private static int send(Replica replica, HttpRequest.Builder request, String key) {
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

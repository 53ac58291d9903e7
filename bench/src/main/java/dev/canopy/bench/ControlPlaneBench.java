package dev.canopy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.controlplane.ControlPlane;
import dev.canopy.controlplane.region.LocalClusterRegion;
import dev.canopy.region.local.ClusterStore;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.canopy.bench.BenchSupport.RELEASE;
import static dev.canopy.bench.BenchSupport.log;
import static dev.canopy.bench.BenchSupport.sleep;

/**
 * Figure 7: the control plane in this process (Javalin API, H2 store in the run's directory) over the local region's
 * real cluster store <em>without its reconciler</em>: specs are stored as the platform stores them, and no node process
 * starts. {@value #CLUSTERS} clusters are created by {@value #CREATORS} concurrent clients, then the first page of
 * GET /api/v1/clusters ({@value #PAGE}) and GET of one cluster are measured with them stored by {@value #LISTERS}
 * clients, next to the same listing with none stored. Resident memory is this process's VmRSS (after a GC) before and
 * after the creates, and so is its heap in use after a full GC. Every cluster created (201) must be listed, page after
 * page, or the benchmark fails. Then {@value #STATUS_CHANGES} status changes are written by the region's store, as its
 * reconciler writes them, each followed through GET of the cluster until the API shows it (or the benchmark fails).
 */
final class ControlPlaneBench implements FigureGroup {
    static final int CLUSTERS = 10_000;
    static final int CREATORS = 8;
    static final int LISTERS = 8;
    /** The page a client asks for: the API's default. */
    static final int PAGE = 100;
    /** Status changes a run, each of another stored cluster. */
    static final int STATUS_CHANGES = 1000;
    /**
     * How long a status change may take to show before the benchmark fails: untold, the control plane would see it on
     * its next full list of the region, at most 10 s later (ControlPlane.REGION_LISTED_EVERY).
     */
    private static final Duration STATUS_SHOWN_WITHIN = Duration.ofSeconds(30);
    private static final Duration WARMUP = Duration.ofSeconds(2);
    private static final Duration MEASURED = Duration.ofSeconds(6);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGION = "local region's store without its reconciler: no node started";

    @Override
    public String name() {
        return "control-plane";
    }

    @Override
    public void run(int run, Path dir, Runs runs) throws Exception {
        Path dataDir = dir.resolve("control-plane");
        ClusterStore store = new ClusterStore(dir.resolve("region"));
        // without the per-key limit of requests a second: the figure is what one process answers, all clients on one key
        try (ControlPlane controlPlane = ControlPlane.start(new ControlPlane.Settings(dataDir, null, null, null, "127.0.0.1", 0, 0),
                List.of(new LocalClusterRegion(store, () -> List.of(RELEASE))), Clock.systemUTC());
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            Api api = new Api(http, "http://127.0.0.1:" + controlPlane.port() + "/api/v1",
                    Files.readString(controlPlane.adminKeyFile()).strip());

            Rate empty = list(api, 0);
            runs.record("cp-list-empty-rps", empty.perSecondRounded());
            runs.record("cp-list-empty-p50", empty.p50Millis());
            runs.record("cp-list-empty-p99", empty.p99Millis());

            long rssBefore = rssKb();
            long heapBefore = heapUsedAfterGcKb();
            Rate creates = create(api, run);
            long rssAfter = rssKb();
            long heapAfter = heapUsedAfterGcKb();
            log("VmRSS %d kB before the creates, %d kB after; heap in use after a full GC %d kB before, %d kB after",
                    rssBefore, rssAfter, heapBefore, heapAfter);
            runs.record("cp-create-ps", creates.perSecondRounded());
            runs.record("cp-create-p50", creates.p50Millis());
            runs.record("cp-create-p99", creates.p99Millis());
            runs.record("cp-rss-per-cluster-kb", Math.round((rssAfter - rssBefore) / (double) CLUSTERS * 10) / 10.0);
            runs.record("cp-rss-before-mb", Math.round(rssBefore / 1024.0));
            runs.record("cp-rss-after-mb", Math.round(rssAfter / 1024.0));
            runs.record("cp-heap-per-cluster-kb", Math.round((heapAfter - heapBefore) / (double) CLUSTERS * 10) / 10.0);

            Rate full = list(api, CLUSTERS);
            runs.record("cp-list-rps", full.perSecondRounded());
            runs.record("cp-list-p50", full.p50Millis());
            runs.record("cp-list-p99", full.p99Millis());
            Rate one = measure(api, "/clusters/c%05d".formatted(CLUSTERS / 2));
            runs.record("cp-get-rps", one.perSecondRounded());
            runs.record("cp-get-p50", one.p50Millis());
            runs.record("cp-get-p99", one.p99Millis());

            StatusChanges changes = statusChanges(api, store);
            runs.record("cp-status-shown-p50", changes.shown().p50Millis());
            runs.record("cp-status-shown-p99", changes.shown().p99Millis());
            runs.record("cp-status-get-p50", changes.get().p50Millis());
            runs.record("cp-status-get-p99", changes.get().p99Millis());
        }
    }

    @Override
    public List<Figure> figures(Runs runs) {
        String list = "Control plane: GET /api/v1/clusters (first page of " + PAGE + ") with " + CLUSTERS + " clusters stored ("
                + REGION + ", " + LISTERS + " clients)";
        String get = "Control plane: GET /api/v1/clusters/{name} with " + CLUSTERS + " clusters stored (" + REGION + ", "
                + LISTERS + " clients)";
        String empty = "the same listing with no cluster stored";
        String shown = "Control plane: a status change in the local region visible through the API (its store writes a"
                + " cluster's new phase, as the region's reconciler does, to the first GET /api/v1/clusters/{name} showing"
                + " it; " + STATUS_CHANGES + " changes, each of another of the " + CLUSTERS + " stored clusters, one client)";
        String get1 = "floor: the same GET of a cluster with nothing changed, one client";
        String create = "Control plane: POST /api/v1/clusters, " + CREATORS + " concurrent clients, " + CLUSTERS
                + " clusters (" + REGION + ")";
        return List.of(
                new Figure(list + ": requests per second", "/s", runs.get("cp-list-rps"), empty, runs.get("cp-list-empty-rps")),
                new Figure(list + ": p50", "ms", runs.get("cp-list-p50"), empty, runs.get("cp-list-empty-p50")),
                new Figure(list + ": p99", "ms", runs.get("cp-list-p99"), empty, runs.get("cp-list-empty-p99")),
                new Figure(get + ": requests per second", "/s", runs.get("cp-get-rps"), "none", List.of()),
                new Figure(get + ": p99", "ms", runs.get("cp-get-p99"), "none", List.of()),
                new Figure(create + ": creates per second", "/s", runs.get("cp-create-ps"),
                        "none (every create writes the H2 store and the region's spec file)", List.of()),
                new Figure(create + ": p50", "ms", runs.get("cp-create-p50"), "none", List.of()),
                new Figure(create + ": p99", "ms", runs.get("cp-create-p99"), "none", List.of()),
                new Figure("Control plane: resident memory per managed cluster (VmRSS growth over " + CLUSTERS
                        + " creates, " + REGION + ")", "kB", runs.get("cp-rss-per-cluster-kb"),
                        "an upper bound: heap the JVM grew into during the creates stays resident", List.of()),
                new Figure("Control plane: resident memory of the process with " + CLUSTERS + " clusters stored", "MB",
                        runs.get("cp-rss-after-mb"), "before the creates (control plane started, no cluster)",
                        runs.get("cp-rss-before-mb")),
                new Figure("Control plane: heap per stored cluster (heap in use after a full GC with " + CLUSTERS
                        + " clusters stored minus with none, divided by " + CLUSTERS + "; " + REGION + ")", "kB",
                        runs.get("cp-heap-per-cluster-kb"), "VmRSS growth per cluster over the same creates (an upper bound)",
                        runs.get("cp-rss-per-cluster-kb")),
                new Figure(shown + ": p50", "ms", runs.get("cp-status-shown-p50"), get1, runs.get("cp-status-get-p50")),
                new Figure(shown + ": p99", "ms", runs.get("cp-status-shown-p99"), get1, runs.get("cp-status-get-p99")));
    }

    record Api(HttpClient http, String base, String key) {
        HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + key)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Operations per second and latency percentiles in milliseconds (two decimals). */
    record Rate(double perSecond, double p50Millis, double p99Millis) {
        static Rate of(Histogram micros, double seconds) {
            return new Rate(micros.getTotalCount() / seconds, round2(micros.getValueAtPercentile(50) / 1000.0),
                    round2(micros.getValueAtPercentile(99) / 1000.0));
        }

        /** Whole requests per second, or two decimals below 10 (a listing that takes seconds is not "0 /s"). */
        double perSecondRounded() {
            return perSecond >= 10 ? Math.round(perSecond) : round2(perSecond);
        }

        private static double round2(double value) {
            return Math.round(value * 100) / 100.0;
        }
    }

    /** {@value #CLUSTERS} creates shared by {@value #CREATORS} clients; each must answer 201. */
    private static Rate create(Api api, int run) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CREATORS);
        try {
            long start = System.nanoTime();
            List<Future<Histogram>> futures = new ArrayList<>();
            for (int c = 0; c < CREATORS; c++) {
                futures.add(clients.submit(() -> {
                    Histogram histogram = new Histogram(3);
                    for (int i = next.getAndIncrement(); i < CLUSTERS; i = next.getAndIncrement()) {
                        String body = """
                                {"name": "c%05d", "region": "local", "release": "%s", "redundancyLevel": 2,
                                 "aggregators": {"count": 1, "height": 0.25}, "leaves": {"count": 2, "height": 0.25, "storageGB": 1}}"""
                                .formatted(i, RELEASE);
                        long t0 = System.nanoTime();
                        HttpResponse<String> response = api.send("POST", "/clusters", body);
                        histogram.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                        if (response.statusCode() != 201) {
                            throw new IllegalStateException("create c%05d answered %d: %s".formatted(i, response.statusCode(), response.body()));
                        }
                    }
                    return histogram;
                }));
            }
            Histogram all = new Histogram(3);
            for (Future<Histogram> future : futures) {
                all.add(future.get());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            log("run %d: %d creates in %.1f s", run, CLUSTERS, seconds);
            return Rate.of(all, seconds);
        } finally {
            clients.shutdownNow();
        }
    }

    /** Status changes: from the region's write to the first answer showing it; and the GET alone, before each change. */
    record StatusChanges(Rate shown, Rate get) {
    }

    /**
     * {@value #STATUS_CHANGES} phase changes, each of another cluster: its GET (the floor, and the phase it shows), then
     * its store writes the other phase of Provisioning and Ready, as the region's reconciler would, and its GET is asked
     * again and again until it shows that phase. The region tells the control plane each change as it is written
     * ({@code Region.onChange}), so the first GET after the write is expected to show it.
     */
    private static StatusChanges statusChanges(Api api, ClusterStore store) throws Exception {
        Histogram shown = new Histogram(3);
        Histogram get = new Histogram(3);
        Histogram writes = new Histogram(3);
        for (int i = 0; i < STATUS_CHANGES; i++) {
            // a stride prime to the number of clusters: every change of a run is of another cluster, spread over all
            String name = "c%05d".formatted((int) ((long) i * 7919 % CLUSTERS));
            String path = "/clusters/" + name;
            long t0 = System.nanoTime();
            String before = phase(api, path);
            get.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
            Phase next = Phase.Provisioning.name().equals(before) ? Phase.Ready : Phase.Provisioning;
            long written = System.nanoTime();
            store.writeStatus("default-" + name, new DatabaseClusterStatus(next, List.of(), null, null, null, null, null, null));
            writes.recordValue(Math.max(1, (System.nanoTime() - written) / 1000));
            long deadline = written + STATUS_SHOWN_WITHIN.toNanos();
            while (!next.name().equals(phase(api, path))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cluster " + name + ": its status was written " + next + " and GET "
                            + path + " does not show it after " + STATUS_SHOWN_WITHIN.toSeconds() + " s");
                }
            }
            shown.recordValue(Math.max(1, (System.nanoTime() - written) / 1000));
        }
        // the store's write is part of the figure: it waits for the store's lock, which each read of one cluster takes
        // (the control plane's progress watcher reads every cluster, every second)
        log("status writes alone (in the figure): p50 %.2f ms, p99 %.2f ms, max %.2f ms", writes.getValueAtPercentile(50) / 1000.0,
                writes.getValueAtPercentile(99) / 1000.0, writes.getMaxValue() / 1000.0);
        return new StatusChanges(Rate.of(shown, 1), Rate.of(get, 1));
    }

    /** The phase GET shows for the cluster; the answer must be 200. */
    private static String phase(Api api, String path) throws Exception {
        HttpResponse<String> response = api.send("GET", path, null);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("phase").asText();
    }

    /** {@value #LISTERS} closed loops listing the first page; then every page together lists {@code expected}. */
    private static Rate list(Api api, int expected) throws Exception {
        Rate rate = measure(api, "/clusters?limit=" + PAGE);
        checkListed(api, expected);
        return rate;
    }

    /** {@value #LISTERS} closed loops asking for the path for the warm-up then the measured stretch; each answer a 200. */
    private static Rate measure(Api api, String path) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(LISTERS);
        try {
            long measureFrom = System.nanoTime() + WARMUP.toNanos();
            long end = measureFrom + MEASURED.toNanos();
            List<Future<Histogram>> futures = new ArrayList<>();
            for (int c = 0; c < LISTERS; c++) {
                futures.add(clients.submit(() -> {
                    Histogram histogram = new Histogram(3);
                    long now = System.nanoTime();
                    while (now < end) {
                        long t0 = now;
                        HttpResponse<String> response = api.send("GET", path, null);
                        now = System.nanoTime();
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
                        }
                        if (t0 >= measureFrom && now <= end) {
                            histogram.recordValue(Math.max(1, (now - t0) / 1000));
                        }
                    }
                    return histogram;
                }));
            }
            Histogram all = new Histogram(3);
            for (Future<Histogram> future : futures) {
                all.add(future.get());
            }
            return Rate.of(all, MEASURED.toNanos() / 1e9);
        } finally {
            clients.shutdownNow();
        }
    }

    /** Every cluster created is listed, page after page: a create acknowledged (201) and not listed fails the benchmark. */
    private static void checkListed(Api api, int expected) throws Exception {
        java.util.Set<String> names = new java.util.HashSet<>();
        String cursor = null;
        do {
            JsonNode page = JSON.readTree(api.send("GET", "/clusters?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor), null).body());
            page.path("items").forEach(item -> names.add(item.path("name").asText()));
            cursor = page.hasNonNull("next") ? page.path("next").asText() : null;
        } while (cursor != null);
        for (int i = 0; i < expected; i++) {
            if (!names.contains("c%05d".formatted(i))) {
                throw new IllegalStateException("cluster c%05d was created (201) and is not listed (%d listed)".formatted(i, names.size()));
            }
        }
        if (names.size() != expected) {
            throw new IllegalStateException("listed " + names.size() + " clusters, created " + expected);
        }
    }

    /** This process's heap in use after a full GC (a System.gc() returns once it is done): live objects only. */
    static long heapUsedAfterGcKb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
    }

    /** This process's resident memory, after a GC so that garbage does not count. */
    static long rssKb() throws IOException {
        System.gc();
        sleep(Duration.ofMillis(300));
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}

package dev.canopy.bench;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.ReplicationTarget;
import dev.canopy.core.Topology;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.canopy.bench.BenchSupport.RELEASE;
import static dev.canopy.bench.BenchSupport.STEP_TIMEOUT;
import static dev.canopy.bench.BenchSupport.awaitTrue;
import static dev.canopy.bench.BenchSupport.log;
import static dev.canopy.bench.BenchSupport.sleep;

/**
 * Replication by change data capture under a write load, on real processes: the cost to the source's write
 * throughput, the lag and the catch-up. A run measures the same cluster shape (1 aggregator, 1 leaf per AG, redundancy
 * 2) twice, each time in its own local region (which goes first alternates from run to run): once without capture
 * (no {@code cdcWalForceArchiveTimeoutMs} in its spec), once with capture on ({@value #ARCHIVE_MS} ms force-archive timeout) and the region streaming it, through a
 * capture process beside each leaf, to a target cluster of the same shape whose table has the source's cache and
 * value type names; before the stream is turned on, the same load runs once on that source, capture on but nothing
 * streaming (the target idle beside it), which tells the capture's own cost from the stream's. The source without
 * capture runs the same two loads in the same order, and each load is compared with its twin: the first load on
 * fresh nodes is slower than the second (their code is not compiled yet). The load is the same: {@value #WRITERS} writers inserting rows as fast as they go (closed loop)
 * through the source's aggregator, each with its own connection, for {@link #SECONDS} s after a warm-up of
 * {@value #WARM_UP_SECONDS} s. The lag is measured end to end from the client's side: each row's acknowledgement
 * time, against the first poll of the target's aggregator (every {@value #POLL_MS} ms) that returns it. Every
 * acknowledged row is read back from the source, and from the target once it caught up: a missing one fails the group.
 * The target runs on the same 2 cores as the source here (in another region it would not), so the cost includes
 * the target applying the stream. The region's own, heartbeat-based lag ({@code LocalRegion.replicationLag}) is sampled
 * during the streaming load too and stands next to the end-to-end one.
 */
final class ReplicationBench implements FigureGroup {
    /** {@code -Dcanopy.bench.replicationSeconds} for development: the measured stretch of each load. */
    static final int SECONDS = Integer.getInteger("canopy.bench.replicationSeconds", 20);
    static final int WARM_UP_SECONDS = 3;
    static final int WRITERS = 2;
    static final long ARCHIVE_MS = 1_000;
    static final long POLL_MS = 100;
    static final long REGION_LAG_SAMPLE_MS = 500;
    private static final String SOURCE = "bench";
    private static final String TARGET = "replica";
    private static final String TABLE = "REPLICATED";
    /** The first load's table, on both sources; the target lacks it (the stream skips its rows). */
    private static final String FIRST_TABLE = "FIRST_LOAD";
    private static final String COLUMNS = "(id BIGINT PRIMARY KEY, writer INT, payload VARCHAR)";
    private static final String PAYLOAD = "x".repeat(100);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(3);
    private static final int READ_RANGE = 10_000;

    @Override
    public String name() {
        return "replication";
    }

    static DatabaseClusterSpec spec(boolean capture) {
        return new DatabaseClusterSpec(RELEASE, 2, new AggregatorsSpec(1, 0.25), new LeavesSpec(1, 0.5, 1, null),
                capture ? Map.of("cdcWalForceArchiveTimeoutMs", Long.toString(ARCHIVE_MS)) : Map.of(), false);
    }

    @Override
    public void run(int run, Path dir, Runs runs) throws Exception {
        // the order alternates from run to run, so that a drift of this shared machine's load favours neither side
        if (run % 2 == 1) {
            withoutCapture(dir, runs);
            withCapture(dir, runs);
        } else {
            withCapture(dir, runs);
            withoutCapture(dir, runs);
        }
    }

    /** The comparison: the same cluster shape and load, capture off. */
    private static void withoutCapture(Path dir, Runs runs) throws Exception {
        try (BenchRegion region = new BenchRegion(dir.resolve("without-capture"))) {
            String url = awaitReady(region, SOURCE, region.apply(SOURCE, spec(false))).endpoints().jdbcUrl();
            // the same two loads as the source with capture, in the same order, so that each is compared with a
            // load on nodes as warm as its own: the first on fresh nodes is slower (their code not compiled yet)
            measureLoad(url, FIRST_TABLE, "the source without capture (first load)", "replication-plain-first", runs);
            measureLoad(url, TABLE, "the source without capture", "replication-plain", runs);
        }
    }

    /**
     * One load on a table of its own, created here; every acknowledged row is read back, and the load's writes per
     * second and p99 are recorded as {@code <figure>-writes} and {@code <figure>-p99}.
     */
    private static void measureLoad(String url, String table, String what, String figure, Runs runs) throws Exception {
        execute(url, "CREATE TABLE " + table + " " + COLUMNS + " WITH \"template=canopy\"");
        Load load = new Load(url, table);
        load.run();
        readBack(url, table, load.acknowledged(), what);
        log("%s: %s", what, load);
        runs.record(figure + "-writes", load.perSecond());
        runs.record(figure + "-p99", load.p99Millis());
    }

    /** Capture on: first nothing streaming, then streaming to a target. */
    private static void withCapture(Path dir, Runs runs) throws Exception {
        try (BenchRegion region = new BenchRegion(dir.resolve("with-capture"))) {
            DatabaseClusterSpec sourceSpec = spec(true);
            DatabaseClusterSpec targetSpec = spec(false);
            long sourceGeneration = region.apply(SOURCE, sourceSpec);
            long targetGeneration = region.apply(TARGET, targetSpec);
            String sourceUrl = awaitReady(region, SOURCE, sourceGeneration).endpoints().jdbcUrl();
            String targetUrl = awaitReady(region, TARGET, targetGeneration).endpoints().jdbcUrl();
            execute(sourceUrl, "CREATE TABLE " + TABLE + " " + COLUMNS + " WITH \"template=canopy\"");
            createTargetTable(sourceUrl, targetUrl);
            // capture on, nothing streaming yet (the target idle beside it): what capturing itself costs. Its own
            // table, which the target lacks: the stream replays these rows first and skips them
            measureLoad(sourceUrl, FIRST_TABLE, "the source with capture on, nothing streaming", "replication-capture-only", runs);
            Topology target = new Topology(TARGET, targetSpec, region.runtime.place(TARGET, DesiredNodes.all(targetSpec)));
            List<String> addresses = target.aggregators().stream().map(NodePlacement::sqlAddress).toList();
            region.region.replicate(SOURCE, new ReplicationTarget(TARGET, addresses));
            int leaves = DesiredNodes.all(sourceSpec).stream().filter(n -> n.isLeaf()).toList().size();
            String streaming = "streaming to " + TARGET + " from " + leaves + " of " + leaves + " leaves";
            awaitTrue("'" + streaming + "' (" + region.region.replicationState(SOURCE).orElse("no state") + ")",
                    Duration.ofMinutes(1), () -> region.region.replicationState(SOURCE).filter(streaming::equals).isPresent());
            // the stream is live once a row written now reaches the target
            long probeStart = System.nanoTime();
            execute(sourceUrl, "INSERT INTO " + TABLE + " VALUES (0, -1, 'probe')");
            awaitTrue("the probe row on the target", Duration.ofMinutes(2), () -> count(targetUrl, "id = 0") == 1);
            log("stream live: the probe row reached the target in %.0f ms", BenchSupport.millisSince(probeStart));

            Load load = new Load(sourceUrl);
            Poller poller = new Poller(targetUrl, load);
            Thread polling = new Thread(poller, "replication-poller");
            polling.setDaemon(true);
            polling.start();
            List<Long> regionLags = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    region.region.replicationLag(SOURCE).ifPresent(lag -> regionLags.add(lag.toMillis()));
                    sleep(Duration.ofMillis(REGION_LAG_SAMPLE_MS));
                }
            }, "replication-lag-sampler");
            sampler.setDaemon(true);
            sampler.start();
            double catchUp;
            try {
                load.run();
                sampling.set(false);
                long lastAck = load.lastAck();
                long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
                while (poller.unseen() > 0) {
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                    sleep(Duration.ofMillis(POLL_MS));
                }
                long caughtUp = poller.lastSeenOfAcknowledged();
                catchUp = Math.round((caughtUp - lastAck) / 1e6);
            } finally {
                sampling.set(false);
                sampler.join(10_000);
                poller.stop();
                polling.join(10_000);
            }
            List<Long> acknowledged = new ArrayList<>(load.acknowledged());
            acknowledged.add(0L);
            readBack(sourceUrl, acknowledged, "the source with capture");
            // fails the group, naming what is missing, when the target never caught up
            readBack(targetUrl, acknowledged, "the target");
            long[] lags = poller.lagsMillis();
            Arrays.sort(lags);
            log("with capture: %s; lag p50 %d ms, p99 %d ms, max %d ms over %d rows; caught up %.0f ms after the last acknowledged write",
                    load, percentile(lags, 50), percentile(lags, 99), lags[lags.length - 1], lags.length, catchUp);
            log("replication state: %s; lag the region reports (heartbeats): %s", region.region.replicationState(SOURCE).orElse("none"),
                    region.region.replicationLag(SOURCE).map(d -> d.toMillis() + " ms").orElse("none yet"));
            runs.record("replication-capture-writes", load.perSecond());
            runs.record("replication-capture-p99", load.p99Millis());
            runs.record("replication-lag-p50", percentile(lags, 50));
            runs.record("replication-lag-p99", percentile(lags, 99));
            runs.record("replication-catch-up", catchUp);
            long[] reported = regionLags.stream().mapToLong(Long::longValue).sorted().toArray();
            if (reported.length > 0) {
                log("lag the region reported during the load: p50 %d ms, p99 %d ms, max %d ms over %d samples",
                        percentile(reported, 50), percentile(reported, 99), reported[reported.length - 1], reported.length);
                runs.record("replication-region-lag-p50", percentile(reported, 50));
                runs.record("replication-region-lag-p99", percentile(reported, 99));
            }
        }
    }

    @Override
    public List<Figure> figures(Runs runs) {
        String load = WRITERS + " closed-loop writers (as fast as they go) inserting through the aggregator of 1 aggregator, "
                + "1 leaf per AG, redundancy 2";
        String capture = "capture on (force-archive " + ARCHIVE_MS + " ms) and streaming to a target of the same shape on the same machine";
        String without = "the same cluster shape and load without capture (no cdcWalForceArchiveTimeoutMs), its second load "
                + "(nodes as warm)";
        String withoutFirst = "the same cluster shape and load without capture, its first load on fresh nodes";
        String lag = "replication lag end to end (client side): a row's acknowledgement by the source to the first "
                + POLL_MS + " ms poll of the target's aggregator returning it, every acknowledged row of the load; ";
        String issue = "issue 9, raw Ignite with a 1 s force-archive timeout and one paced writer: ";
        return List.of(
                new Figure("Replication source write throughput: " + load + ", " + capture + "; writes per second",
                        "writes/s", runs.get("replication-capture-writes"), without, runs.get("replication-plain-writes")),
                new Figure("Replication source write p99 under that load, " + capture, "ms",
                        runs.get("replication-capture-p99"), without, runs.get("replication-plain-p99")),
                new Figure("Replication source write throughput, the same load with capture on but nothing streaming yet "
                        + "(the target idle beside it; the first load on fresh nodes): what capturing itself costs; writes per second",
                        "writes/s", runs.get("replication-capture-only-writes"), withoutFirst, runs.get("replication-plain-first-writes")),
                new Figure("Replication source write p99, capture on but nothing streaming yet (first load on fresh nodes)", "ms",
                        runs.get("replication-capture-only-p99"), withoutFirst, runs.get("replication-plain-first-p99")),
                new Figure("Replication lag p50 under that load: " + lag + "p50 of each run", "ms",
                        runs.get("replication-lag-p50"), issue + "p50 ~550 ms", List.of()),
                new Figure("Replication lag p99 under that load: " + lag + "p99 of each run", "ms",
                        runs.get("replication-lag-p99"), issue + "p99 ~1,050 ms", List.of()),
                new Figure("Replication lag p50 the region reports under that load (heartbeat-based LocalRegion.replicationLag, "
                        + "sampled every " + REGION_LAG_SAMPLE_MS + " ms)", "ms", runs.get("replication-region-lag-p50"),
                        "the end-to-end lag p50 above (the region heartbeats on each pass of the source, every 5 s at rest)",
                        runs.get("replication-lag-p50")),
                new Figure("Replication lag p99 the region reports under that load (heartbeat-based, sampled every "
                        + REGION_LAG_SAMPLE_MS + " ms)", "ms", runs.get("replication-region-lag-p99"),
                        "the end-to-end lag p99 above", runs.get("replication-lag-p99")),
                new Figure("Replication catch-up: the source's last acknowledged write to the target holding every acknowledged row",
                        "ms", runs.get("replication-catch-up"),
                        "the force-archive timeout, " + ARCHIVE_MS + " ms: a row waits for its log segment to be archived", List.of()));
    }

    private static DatabaseClusterStatus awaitReady(BenchRegion region, String cluster, long generation) {
        awaitTrue(cluster + " Ready at generation " + generation + " (failures: " + region.failures + ")", STEP_TIMEOUT,
                () -> region.status(cluster).filter(s -> s.phase() == Phase.Ready && s.observedGeneration() == generation).isPresent());
        return region.status(cluster).orElseThrow();
    }

    /** The target's table with the source's cache and value type names, so that the source's binary rows are its rows. */
    private static void createTargetTable(String sourceUrl, String targetUrl) throws SQLException {
        try (Connection from = DriverManager.getConnection(sourceUrl); Statement read = from.createStatement();
             ResultSet table = read.executeQuery("SELECT CACHE_NAME, VALUE_TYPE_NAME FROM SYS.TABLES"
                     + " WHERE SCHEMA_NAME = 'PUBLIC' AND TABLE_NAME = '" + TABLE + "'")) {
            if (!table.next()) {
                throw new IllegalStateException("no table " + TABLE + " on the source");
            }
            // a key of one column is that column's value as such: no KEY_TYPE
            execute(targetUrl, "CREATE TABLE " + TABLE + " " + COLUMNS + " WITH \"template=canopy,CACHE_NAME="
                    + table.getString(1) + ",VALUE_TYPE=" + table.getString(2) + "\"");
        }
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(String url, String where) {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + TABLE + " WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Reads back every acknowledged id; throws, naming some of the missing ones, if any is not there. */
    static void readBack(String url, List<Long> acknowledged, String where) throws SQLException {
        readBack(url, TABLE, acknowledged, where);
    }

    static void readBack(String url, String table, List<Long> acknowledged, String where) throws SQLException {
        long[] ids = acknowledged.stream().mapToLong(Long::longValue).sorted().toArray();
        if (ids.length == 0) {
            throw new IllegalStateException("no write was acknowledged on " + where);
        }
        long low = ids[0];
        long high = ids[ids.length - 1];
        BitSet present = new BitSet();
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement select = connection.prepareStatement("SELECT id FROM " + table + " WHERE id >= ? AND id <= ?")) {
            for (long from = low; from <= high; from += READ_RANGE) {
                select.setLong(1, from);
                select.setLong(2, Math.min(high, from + READ_RANGE - 1));
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        present.set(Math.toIntExact(rows.getLong(1) - low));
                    }
                }
            }
        }
        List<Long> missing = Arrays.stream(ids).filter(id -> !present.get(Math.toIntExact(id - low))).boxed().toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(missing.size() + " of " + ids.length + " acknowledged writes missing on " + where
                    + ": " + missing.subList(0, Math.min(10, missing.size())));
        }
        log("read back all %d acknowledged writes from %s", ids.length, where);
    }

    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            throw new IllegalStateException("no samples");
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Closed-loop writers, each on its own connection; every acknowledged id with the time of its acknowledgement. */
    static final class Load {
        private final String url;
        private final String table;
        final Map<Long, Long> ackedAt = new ConcurrentHashMap<>();
        final Set<Long> failed = ConcurrentHashMap.newKeySet();
        final AtomicLong nextId = new AtomicLong(1);
        private final List<Long> windowLatenciesMicros = new ArrayList<>();
        private long windowWrites;
        private long windowStart;
        private long windowEnd;

        Load(String url) {
            this(url, TABLE);
        }

        Load(String url, String table) {
            this.url = url;
            this.table = table;
        }

        void run() throws InterruptedException {
            long start = System.nanoTime();
            windowStart = start + Duration.ofSeconds(WARM_UP_SECONDS).toNanos();
            windowEnd = windowStart + Duration.ofSeconds(SECONDS).toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread thread = new Thread(() -> write(writer), "replication-writer-" + w);
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }

        private void write(int writer) {
            List<Long> latencies = new ArrayList<>();
            long writes = 0;
            Connection connection = null;
            PreparedStatement insert = null;
            while (System.nanoTime() < windowEnd) {
                long id = nextId.getAndIncrement();
                try {
                    if (connection == null) {
                        connection = DriverManager.getConnection(url);
                        insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)");
                        insert.setQueryTimeout(20);
                    }
                    long sent = System.nanoTime();
                    insert.setLong(1, id);
                    insert.setInt(2, writer);
                    insert.setString(3, PAYLOAD);
                    insert.executeUpdate();
                    long acked = System.nanoTime();
                    ackedAt.put(id, acked);
                    if (sent >= windowStart && acked <= windowEnd) {
                        writes++;
                        latencies.add((acked - sent) / 1_000);
                    }
                } catch (SQLException e) {
                    // in doubt: it may have committed; never counted as acknowledged
                    failed.add(id);
                    if (failed.size() == 1) {
                        log("a write failed (in doubt, reconnecting): %s", e.getMessage());
                    }
                    close(connection);
                    connection = null;
                }
            }
            close(connection);
            synchronized (this) {
                windowWrites += writes;
                windowLatenciesMicros.addAll(latencies);
            }
        }

        private static void close(Connection connection) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // closing a broken connection
                }
            }
        }

        synchronized double perSecond() {
            return Math.round(windowWrites / (double) SECONDS);
        }

        /** Write p99 of the measured stretch in milliseconds, to a tenth. */
        synchronized double p99Millis() {
            long[] sorted = windowLatenciesMicros.stream().mapToLong(Long::longValue).sorted().toArray();
            return Math.round(percentile(sorted, 99) / 100.0) / 10.0;
        }

        List<Long> acknowledged() {
            return List.copyOf(ackedAt.keySet());
        }

        long lastAck() {
            return ackedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        }

        @Override
        public synchronized String toString() {
            return "%d acknowledged, %d in doubt; %.0f writes/s, write p99 %.1f ms over the %d s measured".formatted(
                    ackedAt.size(), failed.size(), perSecond(), p99Millis(), SECONDS);
        }
    }

    /**
     * Polls the target's aggregator for the rows from the lowest one it has not seen yet on, and records when each
     * first appeared (when the poll that returned it ended).
     */
    static final class Poller implements Runnable {
        private final String url;
        private final Load load;
        private final Map<Long, Long> seenAt = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private long lowest = 1;

        Poller(String url, Load load) {
            this.url = url;
            this.load = load;
        }

        @Override
        public void run() {
            Connection connection = null;
            while (running.get()) {
                long started = System.nanoTime();
                try {
                    if (connection == null) {
                        connection = DriverManager.getConnection(url);
                    }
                    try (PreparedStatement select = connection.prepareStatement("SELECT id FROM " + TABLE + " WHERE id >= ?")) {
                        select.setLong(1, lowest);
                        List<Long> ids = new ArrayList<>();
                        try (ResultSet rows = select.executeQuery()) {
                            while (rows.next()) {
                                ids.add(rows.getLong(1));
                            }
                        }
                        long at = System.nanoTime();
                        ids.forEach(id -> seenAt.putIfAbsent(id, at));
                    }
                    long issued = load.nextId.get();
                    while (lowest < issued && (seenAt.containsKey(lowest) || load.failed.contains(lowest))) {
                        lowest++;
                    }
                } catch (SQLException e) {
                    Load.close(connection);
                    connection = null;
                }
                long left = POLL_MS - (System.nanoTime() - started) / 1_000_000;
                if (left > 0) {
                    sleep(Duration.ofMillis(left));
                }
            }
            Load.close(connection);
        }

        void stop() {
            running.set(false);
        }

        /** Acknowledged rows the poller has not seen on the target yet. */
        long unseen() {
            return load.ackedAt.keySet().stream().filter(id -> !seenAt.containsKey(id)).count();
        }

        /** When the last of the acknowledged rows appeared on the target (System.nanoTime). */
        long lastSeenOfAcknowledged() {
            return load.ackedAt.keySet().stream().mapToLong(id -> seenAt.getOrDefault(id, Long.MAX_VALUE)).max().orElseThrow();
        }

        /** For every acknowledged row seen, from its acknowledgement to its first sight on the target. */
        long[] lagsMillis() {
            return load.ackedAt.entrySet().stream().filter(e -> seenAt.containsKey(e.getKey()))
                    .mapToLong(e -> Math.max(0, Math.round((seenAt.get(e.getKey()) - e.getValue()) / 1e6))).toArray();
        }
    }
}

package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.core.ReplicationTarget;
import dev.canopy.core.Topology;
import dev.canopy.engine.ignite.Credentials;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.workload.Verification;
import dev.canopy.workload.Workload;
import dev.canopy.workload.WorkloadOptions;
import org.apache.ignite.Ignition;
import org.apache.ignite.client.ClientCache;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.configuration.ClientConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replication by change data capture on real processes, across engine versions: a source cluster at 2.16.0 with
 * capture on, a target at 2.17.0 whose tables are made with the source's binary type names; the region runs a CDC
 * process beside each source leaf (supervised like a node) that streams its primary changes, from the source's first
 * log segment on (the rows written before the stream started too), to the target's aggregator. Writers insert, and a
 * second table is updated and deleted from, through the source's aggregator: first while the stream is steady (the lag
 * figures, from heartbeats: p50/p99), then after one capture process is killed with -9 and brought back by its
 * supervisor (it resumes from its last committed batch). Once the writes stop, the target must hold every acknowledged
 * row, and every row and value must equal the source's; prints how long it took to catch up after the last write.
 * Turned off, every capture stops.
 */
class ReplicationProcessesTest {
    private static final String SOURCE = "blue";
    private static final String TARGET = "green";
    private static final int ACCOUNTS = 1_000;
    /** Writing while the stream is steady (the lag figures come from this phase), then after a capture is killed. */
    private static final Duration STEADY = Duration.ofSeconds(20);
    private static final Duration AFTER_KILL = Duration.ofSeconds(10);
    /** The source's WAL force-archive timeout; {@code -Dcanopy.test.archiveMs} measures another (lag against write rate). */
    private static final long ARCHIVE_MS = Long.getLong("canopy.test.archiveMs", 1_000);
    private static final Map<String, String> COLUMNS = Map.of(
            "REPLICATED", "(id BIGINT PRIMARY KEY, writer INT, payload VARCHAR)",
            "ACCOUNTS", "(id INT PRIMARY KEY, owner VARCHAR, balance BIGINT)");

    @TempDir
    Path dataDir;
    @RegisterExtension
    final RegionFixtures fixtures = new RegionFixtures();
    private RegionFixture fixture;

    @Test
    void aCaptureStreamKeepsAClusterOfTheNextReleaseInStepWithEveryAcknowledgedWrite() throws Exception {
        fixture = fixtures.open(dataDir, PlannerPolicy.DEFAULTS);
        // the region's own engine: it logs in with each cluster's admin secret
        IgniteEngine engine = fixture.engine;
        DatabaseClusterSpec sourceSpec = new DatabaseClusterSpec("2.16.0", 2, new AggregatorsSpec(1, 0.25),
                new LeavesSpec(1, 0.5, 1, null), Map.of("cdcWalForceArchiveTimeoutMs", Long.toString(ARCHIVE_MS)), false);
        DatabaseClusterSpec targetSpec = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.25),
                new LeavesSpec(1, 0.5, 1, null), Map.of(), false);
        long sourceGeneration = fixture.apply(SOURCE, sourceSpec);
        long targetGeneration = fixture.apply(TARGET, targetSpec);
        String sourceUrl = fixture.awaitPhase(SOURCE, sourceGeneration, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        String targetUrl = fixture.awaitPhase(TARGET, targetGeneration, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        Properties sourceLogin = fixture.login(SOURCE);
        Properties targetLogin = fixture.login(TARGET);
        Topology source = new Topology(SOURCE, sourceSpec, fixture.runtime.place(SOURCE, DesiredNodes.all(sourceSpec)));
        Topology target = new Topology(TARGET, targetSpec, fixture.runtime.place(TARGET, DesiredNodes.all(targetSpec)));

        // rows written before the copy
        try (Connection sql = DriverManager.getConnection(sourceUrl, sourceLogin); Statement st = sql.createStatement()) {
            for (Map.Entry<String, String> table : COLUMNS.entrySet()) {
                st.execute("CREATE TABLE " + table.getKey() + " " + table.getValue() + " WITH \"template=canopy\"");
            }
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO accounts VALUES (?, ?, ?)")) {
                for (int i = 0; i < ACCOUNTS; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "owner-" + i);
                    insert.setLong(3, 100L * i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }

        // copy: the target's tables made with the source's cache and binary type names, so that the source's binary
        // rows are the target's rows; the rows themselves come with the stream, which replays the source's log from
        // its first segment (capture has been on since the source was created). A snapshot restored into the target
        // would copy rows written before capture was turned on, but 2.17's control utility (the platform's) cannot take
        // a snapshot of a 2.16 cluster: 2.16 refuses its management call ("Compute grid functionality is disabled for
        // thin clients"), and with thin-client compute allowed, the 2.17 side cannot read 2.16's result
        // (SnapshotTaskResult is not in 2.17).
        long copyStarted = System.nanoTime();
        try (Connection from = DriverManager.getConnection(sourceUrl, sourceLogin); Statement read = from.createStatement();
             ResultSet tables = read.executeQuery("SELECT TABLE_NAME, CACHE_NAME, KEY_TYPE_NAME, VALUE_TYPE_NAME FROM SYS.TABLES"
                     + " WHERE SCHEMA_NAME = 'PUBLIC' ORDER BY TABLE_NAME");
             Connection to = DriverManager.getConnection(targetUrl, targetLogin); Statement create = to.createStatement()) {
            while (tables.next()) {
                String columns = COLUMNS.get(tables.getString(1));
                assertThat(columns).as("columns of " + tables.getString(1)).isNotNull();
                // a key of one column is that column's value as such (a Long); naming its type would make the target
                // expect a key object with the column as a field, and read every id as 0
                String keyType = tables.getString(3).startsWith("java.") ? "" : ",KEY_TYPE=" + tables.getString(3);
                create.execute("CREATE TABLE " + tables.getString(1) + " " + columns + " WITH \"template=canopy,CACHE_NAME="
                        + tables.getString(2) + keyType + ",VALUE_TYPE=" + tables.getString(4) + "\"");
            }
        }
        System.out.printf("copy: tables of %s (2.16.0) made in %s (2.17.0) with their type names in %.1f s%n", SOURCE, TARGET,
                (System.nanoTime() - copyStarted) / 1e9);

        // stream: the region runs a CDC process beside each source leaf, on the source's release, supervised like a node,
        // feeding the target's aggregator
        List<String> targetAddresses = target.aggregators().stream().map(NodePlacement::sqlAddress).toList();
        fixture.region.replicate(SOURCE, new ReplicationTarget(TARGET, targetAddresses));
        await("a capture beside each source leaf").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> fixture.region.replicationState(SOURCE), state -> state.equals(Optional.of("streaming to green from 2 of 2 leaves")));

        // the stream is live once it has replayed the source's log up to now: the rows written before it started
        long streamStarted = System.nanoTime();
        await("the stream replays the rows written before it started").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250)).until(() -> count(targetUrl, targetLogin, "accounts") == ACCOUNTS);
        System.out.printf("stream live %.1f s after the CDC processes started (the source's log replayed from its first segment)%n",
                (System.nanoTime() - streamStarted) / 1e9);

        AtomicBoolean beating = new AtomicBoolean(true);
        AtomicLong beats = new AtomicLong();
        Thread heartbeat = new Thread(() -> heartbeat(source.aggregators().get(0).sqlAddress(), fixture.engine.adminLogin(SOURCE), beating, beats), "heartbeat");
        heartbeat.setDaemon(true);
        heartbeat.start();
        Verification verification;
        long lastWrite;
        int[] changed = new int[2];
        List<Long> lags;
        NodeId killed = NodeId.leaf(1, 0);
        try (Workload load = Workload.start(WorkloadOptions.defaults(sourceUrl, "replicated").withTableOptions("template=canopy").withLogin(sourceLogin)
                .withWriters(2, 100).withReaders(0, 1));
             Connection sql = DriverManager.getConnection(sourceUrl, sourceLogin);
             PreparedStatement update = sql.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?");
             PreparedStatement delete = sql.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
            int round = changeAccounts(STEADY, 0, update, delete, changed);
            System.out.println(load.cut("steady stream"));
            // the lag figures of the steady phase: a restarted consumer starts its samples afresh
            lags = lagSamples(source);

            long pid = fixture.runtime.capturePid(SOURCE, killed).orElseThrow();
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            long killedAt = System.nanoTime();
            await("the capture beside " + killed + " restarted by its supervisor").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> fixture.runtime.capturePid(SOURCE, killed), p -> p.isPresent() && p.getAsLong() != pid);
            System.out.printf("capture beside %s killed (pid %d, kill -9); restarted by its supervisor after %.1f s%n", killed, pid,
                    (System.nanoTime() - killedAt) / 1e9);
            changeAccounts(AFTER_KILL, round, update, delete, changed);
            System.out.println(load.cut("after the kill"));
            load.close();
            lastWrite = System.nanoTime();
            verification = load.verify(Duration.ofSeconds(30));
        } finally {
            beating.set(false);
            heartbeat.join(5_000);
        }
        int updated = changed[0];
        int deleted = changed[1];
        System.out.println("source: " + verification + "; accounts: " + updated + " updates, " + deleted + " deletes; "
                + beats.get() + " heartbeats");
        assertThat(verification.ok()).as(verification.summary()).isTrue();
        assertThat(verification.acknowledged()).isGreaterThan(1_000);

        List<String> expected = rows(sourceUrl, sourceLogin);
        long caughtUp;
        try {
            caughtUp = await("the target holds every row of the source").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> rows(targetUrl, targetLogin).equals(expected) ? System.nanoTime() : 0L, t -> t > 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            List<String> actual = rows(targetUrl, targetLogin);
            List<String> missing = new ArrayList<>(expected);
            missing.removeAll(actual);
            List<String> extra = new ArrayList<>(actual);
            extra.removeAll(expected);
            System.out.println("target differs: " + expected.size() + " rows on the source, " + actual.size() + " on the target; "
                    + missing.size() + " missing " + missing.subList(0, Math.min(10, missing.size())) + "; " + extra.size()
                    + " not on the source " + extra.subList(0, Math.min(10, extra.size())));
            printStates(source);
            throw e;
        }
        System.out.printf("target caught up %.2f s after the last write%n", (caughtUp - lastWrite) / 1e9);
        assertThat(rows(targetUrl, targetLogin)).as("every row and value").isEqualTo(expected);
        assertThat(expected.stream().filter(r -> r.startsWith("r|")).count()).isEqualTo(verification.acknowledged()
                + verification.inDoubtFound());

        printStates(source);
        long skipped = 0;
        for (NodePlacement leaf : source.leaves()) {
            skipped += Long.parseLong(state(IgniteEngine.captureStateFile(source, leaf.node())).getProperty("skippedEvents", "0"));
        }
        assertThat(skipped).as("changes of caches the target lacked").isZero();
        assertThat(lags).as("lag samples from heartbeats").isNotEmpty();
        long[] sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("replication lag while steady (walForceArchiveTimeout %d ms, check every 100 ms), %d heartbeats: "
                        + "p50 %d ms, p99 %d ms, max %d ms%n", ARCHIVE_MS, sorted.length, percentile(sorted, 50), percentile(sorted, 99),
                sorted[sorted.length - 1]);

        for (NodePlacement leaf : source.leaves()) {
            Path wal = Path.of(leaf.workDirectory(), "db", "wal");
            System.out.println("WAL of " + leaf.node().name() + ": archive " + files(wal.resolve("archive")) + "; kept for capture "
                    + files(wal.resolve("cdc")));
        }

        // the region's own view, from the heartbeats it writes on every pass of the source (every 5 s at rest)
        Duration reported = await("the region reports the lag").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> fixture.region.replicationLag(SOURCE), Optional::isPresent).orElseThrow();
        System.out.printf("lag reported by the region (now - the source time the target holds every leaf's changes up to): %d ms%n",
                reported.toMillis());
        assertThat(reported).isLessThan(Duration.ofSeconds(30));

        // turned off, the captures stop; what reached the target stays
        fixture.region.stopReplicating(SOURCE);
        await("every capture stopped").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                .until(() -> fixture.runtime.captures(SOURCE).isEmpty());
        assertThat(source.leaves()).allSatisfy(leaf -> assertThat(fixture.runtime.capturePid(SOURCE, leaf.node())).isEmpty());
        assertThat(count(targetUrl, targetLogin, "replicated")).isEqualTo(verification.acknowledged() + verification.inDoubtFound());
    }

    /** Updates (and every fifth round deletes) accounts for a while, paced by a short pause; returns the next round. */
    private static int changeAccounts(Duration duration, int firstRound, PreparedStatement update, PreparedStatement delete,
                                      int[] changed) throws Exception {
        long until = System.nanoTime() + duration.toNanos();
        int round = firstRound;
        while (System.nanoTime() < until) {
            update.setLong(1, round);
            update.setInt(2, (round * 37) % ACCOUNTS);
            changed[0] += update.executeUpdate();
            if (round % 5 == 0) {
                delete.setInt(1, (round * 11 + 3) % ACCOUNTS);
                changed[1] += delete.executeUpdate();
            }
            round++;
            TimeUnit.MILLISECONDS.sleep(20); // pacing of the load, not synchronization
        }
        return round;
    }

    private static List<Long> lagSamples(Topology source) throws IOException {
        List<Long> lags = new ArrayList<>();
        for (NodePlacement leaf : source.leaves()) {
            String samples = state(IgniteEngine.captureStateFile(source, leaf.node())).getProperty("lagSamplesMs", "");
            if (!samples.isBlank()) {
                Arrays.stream(samples.split(",")).map(Long::parseLong).forEach(lags::add);
            }
        }
        return lags;
    }

    /** Writes the time into the heartbeat cache of the source every 100 ms, over 64 keys (spread over both leaves). */
    private static void heartbeat(String address, Credentials login, AtomicBoolean beating, AtomicLong beats) {
        try (IgniteClient client = Ignition.startClient(login.applyTo(new ClientConfiguration().setAddresses(address)))) {
            ClientCache<Integer, Long> cache = client.getOrCreateCache(IgniteEngine.HEARTBEAT_CACHE);
            int slot = 0;
            while (beating.get()) {
                cache.put(slot++ % 64, System.currentTimeMillis());
                beats.incrementAndGet();
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } catch (Exception e) {
            System.out.println("heartbeat stopped: " + e);
        }
    }

    private static void printStates(Topology source) throws IOException {
        for (NodePlacement leaf : source.leaves()) {
            Properties state = state(IgniteEngine.captureStateFile(source, leaf.node()));
            System.out.println("capture state of " + leaf.node().name() + ": applied " + state.getProperty("appliedEvents")
                    + ", skipped " + state.getProperty("skippedEvents") + ", last applied at " + state.getProperty("lastAppliedAt")
                    + ", last lag " + state.getProperty("lagMs") + " ms");
        }
    }

    /** How many files a directory tree holds, and their bytes on disk. */
    private static String files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return "none";
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            List<Path> regular = paths.filter(Files::isRegularFile).toList();
            long bytes = 0;
            for (Path file : regular) {
                bytes += Files.size(file);
            }
            return regular.size() + " files, " + bytes / (1024 * 1024) + " MiB";
        }
    }

    private static Properties state(Path file) throws IOException {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            properties.load(new StringReader(Files.readString(file)));
        }
        return properties;
    }

    private static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static long count(String url, Properties login, String table) throws Exception {
        try (Connection sql = DriverManager.getConnection(url, login); Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every row of both tables, in a comparable form: {@code r|id|writer|payload} and {@code a|id|owner|balance}. */
    private static List<String> rows(String url, Properties login) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection sql = DriverManager.getConnection(url, login); Statement st = sql.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id, writer, payload FROM replicated ORDER BY id")) {
                while (rs.next()) {
                    rows.add("r|" + rs.getLong(1) + "|" + rs.getInt(2) + "|" + rs.getString(3));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT id, owner, balance FROM accounts ORDER BY id")) {
                while (rs.next()) {
                    rows.add("a|" + rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getLong(3));
                }
            }
        }
        return rows;
    }
}

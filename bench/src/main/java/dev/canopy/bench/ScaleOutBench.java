package dev.canopy.bench;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.core.NodeId;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static dev.canopy.bench.BenchSupport.RELEASE;
import static dev.canopy.bench.BenchSupport.awaitWhole;
import static dev.canopy.bench.BenchSupport.log;
import static dev.canopy.bench.BenchSupport.millisSince;

/**
 * Figure 5: scale-out from 2 to 3 leaves per AG (1 aggregator, redundancy 2, nodes of height 1) holding
 * {@value #MEGABYTES} MB of rows. The rebalance runs from the step that sets the new baseline to Balanced and
 * RedundancyMet at the new generation; its rate is the rows' bytes that moved (the table's partitions the new
 * leaves own, counted by their partition files, as a share of the table) over that time. The floor is this machine's disk: a {@value #MEGABYTES} MB file copied in the same directory, with fsync.
 * The rows' count and id sum are checked after the load and after the scale-out: a lost row fails the benchmark.
 */
final class ScaleOutBench implements FigureGroup {
    /** Rows of {@value #PAYLOAD} characters (ASCII: a byte each) plus an id; {@code -Dcanopy.bench.scaleOutMb} for development. */
    static final int MEGABYTES = Integer.getInteger("canopy.bench.scaleOutMb", 1024);
    static final int PAYLOAD = 4000;
    private static final int BATCH = 256;
    /** The {@code canopy} template's partition count. */
    static final int PARTITIONS = 256;

    @Override
    public String name() {
        return "scale-out";
    }

    private static DatabaseClusterSpec spec(int leavesPerGroup) {
        return new DatabaseClusterSpec(RELEASE, 2, new AggregatorsSpec(1, 1.0),
                new LeavesSpec(leavesPerGroup, 1.0, 4, null), Map.of(), false);
    }

    /** Rows of {@value #PAYLOAD} bytes that make up this many MB. */
    static int rows(int megabytes) {
        return (int) ((long) megabytes * 1024 * 1024 / PAYLOAD);
    }

    @Override
    public void run(int run, Path dir, Runs runs) throws Exception {
        runs.record("disk-copy-mbps", diskCopyRate(dir.resolve("copy"), MEGABYTES));
        try (BenchRegion region = new BenchRegion(dir.resolve("region"))) {
            long generation = region.apply("bench", spec(2));
            DatabaseClusterStatus ready = awaitWhole(region, generation);
            String url = ready.endpoints().jdbcUrl();
            load(url, "scaled", MEGABYTES);
            verify(url, "scaled", rows(MEGABYTES), "after the load");

            long start = System.nanoTime();
            generation = region.apply("bench", spec(3));
            awaitWhole(region, generation);
            double total = millisSince(start);
            Long baselineSet = region.stepTaken.get("SettingBaseline");
            if (baselineSet == null || baselineSet < start) {
                throw new IllegalStateException("the scale-out set no new baseline");
            }
            double rebalance = millisSince(baselineSet);
            int moved = 0;
            for (int group = 1; group <= 2; group++) {
                moved += ownedPartitions(region.runtime.nodeDirectory("bench", NodeId.leaf(group, 2)));
            }
            verify(url, "scaled", rows(MEGABYTES), "after the scale-out");
            // each AG holds one copy of every partition; the rows spread evenly over them
            double megabytes = MEGABYTES * moved / (double) PARTITIONS;
            log("scale-out: %d partitions (%.0f MB of rows) moved to the new leaves, rebalance %.0f ms, spec to Balanced %.0f ms",
                    moved, megabytes, rebalance, total);
            runs.record("scale-out-rebalance", rebalance);
            runs.record("scale-out-total", total);
            runs.record("scale-out-mbps", Math.round(megabytes / (rebalance / 1000.0) * 10) / 10.0);
        }
    }

    @Override
    public List<Figure> figures(Runs runs) {
        String title = "Scale-out 2 → 3 leaves per AG with " + MEGABYTES + " MB of rows (1 aggregator, leaves and aggregator of height 1)";
        String floor = "floor: this machine's disk, a " + MEGABYTES + " MB file copied in the same directory with fsync";
        return List.of(
                new Figure(title + ": rebalance, new baseline set to Balanced and RedundancyMet", "ms",
                        runs.get("scale-out-rebalance"), "spec applied to Balanced (new leaves started too)",
                        runs.get("scale-out-total")),
                new Figure(title + ": rebalance rate, rows' MB moved to the new leaves (their partitions' share of the table) per second", "MB/s",
                        runs.get("scale-out-mbps"), floor, runs.get("disk-copy-mbps")));
    }

    /**
     * Rows of an id and {@value #PAYLOAD} characters through the thin driver's streaming mode; streaming off flushes
     * every row.
     */
    static void load(String url, String table, int megabytes) throws SQLException {
        long start = System.nanoTime();
        int rows = rows(megabytes);
        String payload = "x".repeat(PAYLOAD - 8);
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE " + table + " (id INT PRIMARY KEY, payload VARCHAR) WITH \"template=canopy\"");
            // small streamer buffers: with the defaults (1024 rows, 16 batches in flight per node) the aggregator's
            // heap fills with 4 KB rows
            statement.execute("SET STREAMING ON ALLOW_OVERWRITE OFF PER_NODE_BUFFER_SIZE 128 PER_NODE_PARALLEL_OPERATIONS 4");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (id, payload) VALUES (?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    insert.setInt(1, i);
                    // a distinct prefix per row, so that nothing compresses or deduplicates
                    insert.setString(2, "%08x".formatted(i) + payload);
                    insert.addBatch();
                    if ((i + 1) % BATCH == 0) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            statement.execute("SET STREAMING OFF");
        }
        log("loaded %d rows (%d MB of payload) in %.1f s", rows, megabytes, (System.nanoTime() - start) / 1e9);
    }

    /** Every row of {@link #load} is there: their count and the sum of their ids; a lost row fails the benchmark. */
    static void verify(String url, String table, long rows, String when) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT COUNT(*), SUM(CAST(id AS BIGINT)) FROM " + table)) {
            result.next();
            long expectedSum = rows * (rows - 1) / 2;
            if (result.getLong(1) != rows || result.getLong(2) != expectedSum) {
                throw new IllegalStateException("rows lost " + when + ": " + result.getLong(1) + " rows with id sum "
                        + result.getLong(2) + ", expected " + rows + " with " + expectedSum);
            }
        }
    }

    /** The table's partitions on a node: one {@code part-N.bin} file each in its cache directory. */
    private static int ownedPartitions(Path nodeDir) throws IOException {
        try (Stream<Path> files = Files.walk(nodeDir.resolve("db"))) {
            return (int) files.filter(f -> f.getParent() != null && f.getParent().getFileName().toString().equals("cache-SQL_PUBLIC_SCALED"))
                    .filter(f -> f.getFileName().toString().matches("part-\\d+\\.bin")).count();
        }
    }

    /** MB/s of copying a file of random bytes in the directory, fsync included; the source is written first, untimed. */
    static double diskCopyRate(Path dir, int megabytes) throws IOException {
        Files.createDirectories(dir);
        Path source = dir.resolve("source.bin");
        Path target = dir.resolve("target.bin");
        byte[] block = new byte[8 << 20];
        new Random(7).nextBytes(block);
        try (FileChannel out = FileChannel.open(source, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int written = 0; written < megabytes; written += 8) {
                block[0] = (byte) written;
                out.write(java.nio.ByteBuffer.wrap(block));
            }
            out.force(true);
        }
        long start = System.nanoTime();
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel copied = FileChannel.open(target, StandardOpenOption.WRITE)) {
            copied.force(true);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.delete(source);
        Files.delete(target);
        return Math.round(megabytes / seconds * 10) / 10.0;
    }
}

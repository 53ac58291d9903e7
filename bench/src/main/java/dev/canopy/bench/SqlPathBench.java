package dev.canopy.bench;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Topology;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static dev.canopy.bench.BenchSupport.awaitWhole;
import static dev.canopy.bench.BenchSupport.log;
import static dev.canopy.bench.BenchSupport.spec;

/**
 * Figure 6: the aggregator's overhead. On 1 aggregator + 1 leaf per AG (redundancy 2) with a table of {@value #ROWS}
 * rows, point reads by primary key and a GROUP BY, each for a fixed time by {@value #CLIENTS} client threads (one thin
 * JDBC connection each, a closed loop), once through the aggregator and once straight to a leaf's own SQL port (the
 * comparison). Every answer is checked against the rows loaded, and the table is counted and summed through both paths
 * before measuring: a row acknowledged by the load and missing fails the benchmark.
 */
final class SqlPathBench implements FigureGroup {
    static final int ROWS = 100_000;
    static final int GROUPS = 100;
    static final int CLIENTS = 2;
    private static final int BATCH = 1_000;
    private static final Duration WARMUP = Duration.ofSeconds(2);
    private static final Duration MEASURED = Duration.ofSeconds(6);

    /** WRITE (a MERGE of one row by key, to the value it already has) is the security group's; this group reads. */
    enum Query { POINT, GROUP_BY, WRITE }

    private static final List<Query> READS = List.of(Query.POINT, Query.GROUP_BY);
    private static final Properties NO_LOGIN = new Properties();

    enum Route { AGGREGATOR, LEAF }

    @Override
    public String name() {
        return "sql";
    }

    @Override
    public void run(int run, Path dir, Runs runs) throws Exception {
        DatabaseClusterSpec spec = spec(1, 1);
        try (BenchRegion region = new BenchRegion(dir)) {
            long generation = region.apply("bench", spec);
            DatabaseClusterStatus ready = awaitWhole(region, generation);
            Map<NodeId, NodePlacement> placements = region.runtime.place("bench", DesiredNodes.all(spec));
            String aggregatorUrl = ready.endpoints().jdbcUrl();
            String leafUrl = Topology.jdbcUrl(List.of(placements.get(NodeId.leaf(1, 0)).sqlAddress()));
            load(aggregatorUrl, NO_LOGIN);
            verifyTable(aggregatorUrl, NO_LOGIN);
            verifyTable(leafUrl, NO_LOGIN);
            // the path measured first alternates between runs, so that neither always meets the colder cluster
            List<Route> order = run % 2 == 1 ? List.of(Route.LEAF, Route.AGGREGATOR) : List.of(Route.AGGREGATOR, Route.LEAF);
            for (Query query : READS) {
                for (Route path : order) {
                    Result result = measure(path == Route.LEAF ? leafUrl : aggregatorUrl, NO_LOGIN, query);
                    String key = key(query, path);
                    log("%s: %d operations in %.1f s, p99 %.2f ms", key, result.operations(), result.seconds(), result.p99Millis());
                    double perSecond = result.operations() / result.seconds();
                    runs.record(key + "-ops", perSecond >= 10 ? Math.round(perSecond) : Math.round(perSecond * 100) / 100.0);
                    runs.record(key + "-p99", Math.round(result.p99Millis() * 100) / 100.0);
                }
            }
        }
    }

    @Override
    public List<Figure> figures(Runs runs) {
        List<Figure> figures = new ArrayList<>();
        for (Query query : READS) {
            String what = query == Query.POINT ? "SQL point read by primary key" : "SQL GROUP BY over " + ROWS + " rows";
            String title = what + " through the aggregator (" + CLIENTS + " clients, 1 aggregator + 1 leaf per AG)";
            figures.add(new Figure(title + ": operations per second", "/s", runs.get(key(query, Route.AGGREGATOR) + "-ops"),
                    "straight to a leaf's SQL port", runs.get(key(query, Route.LEAF) + "-ops")));
            figures.add(new Figure(title + ": p99", "ms", runs.get(key(query, Route.AGGREGATOR) + "-p99"),
                    "straight to a leaf's SQL port", runs.get(key(query, Route.LEAF) + "-p99")));
        }
        return figures;
    }

    private static String key(Query query, Route path) {
        return "sql-" + query.name().toLowerCase().replace('_', '-') + "-" + path.name().toLowerCase();
    }

    /**
     * Row i: grp = i % GROUPS, val = 7 i, through the thin driver's streaming mode (Ignite's data streamer on the
     * aggregator; row-by-row DML takes seconds per thousand rows on 2 cores). Streaming off flushes every row; the
     * count and sum through both paths then check that none is missing.
     */
    static void load(String url, Properties login) throws SQLException {
        long start = System.nanoTime();
        try (Connection connection = DriverManager.getConnection(url, login); Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE sqlbench (id INT PRIMARY KEY, grp INT, val BIGINT) WITH \"template=canopy\"");
            statement.execute("SET STREAMING ON ALLOW_OVERWRITE OFF");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO sqlbench (id, grp, val) VALUES (?, ?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    insert.setInt(1, i);
                    insert.setInt(2, i % GROUPS);
                    insert.setLong(3, 7L * i);
                    insert.addBatch();
                    if ((i + 1) % BATCH == 0) {
                        insert.executeBatch();
                    }
                }
            }
            statement.execute("SET STREAMING OFF");
        }
        log("loaded %d rows in %.1f s", ROWS, (System.nanoTime() - start) / 1e9);
    }

    /** Every acknowledged row is there: the count and the sum of the values, through the given path. */
    static void verifyTable(String url, Properties login) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, login); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*), SUM(val) FROM sqlbench")) {
            rows.next();
            long count = rows.getLong(1);
            long sum = rows.getLong(2);
            long expectedSum = 7L * ROWS * (ROWS - 1) / 2;
            if (count != ROWS || sum != expectedSum) {
                throw new IllegalStateException("acknowledged rows lost: " + url + " counts " + count + " rows summing to "
                        + sum + ", expected " + ROWS + " summing to " + expectedSum);
            }
        }
    }

    record Result(long operations, double seconds, double p99Millis) {
    }

    /** {@link #CLIENTS} closed loops for the warm-up, then for the measured stretch, on one connection each. */
    static Result measure(String url, Properties login, Query query) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Histogram>> futures = new ArrayList<>();
            long warmupEnd = System.nanoTime() + WARMUP.toNanos();
            long end = warmupEnd + MEASURED.toNanos();
            for (int c = 0; c < CLIENTS; c++) {
                futures.add(clients.submit(() -> loop(url, login, query, warmupEnd, end)));
            }
            Histogram all = new Histogram(3);
            for (Future<Histogram> future : futures) {
                all.add(future.get());
            }
            return new Result(all.getTotalCount(), MEASURED.toNanos() / 1e9, all.getValueAtPercentile(99) / 1000.0);
        } finally {
            clients.shutdownNow();
        }
    }

    /** Latencies in microseconds of the operations started after {@code measureFrom}; a wrong answer throws. */
    private static Histogram loop(String url, Properties login, Query query, long measureFrom, long end) throws SQLException {
        Histogram histogram = new Histogram(3);
        String sql = switch (query) {
            case POINT -> "SELECT val FROM sqlbench WHERE id = ?";
            case GROUP_BY -> "SELECT grp, COUNT(*), SUM(val) FROM sqlbench GROUP BY grp";
            // the row's own values: the table's count and sum stay what verifyTable expects
            case WRITE -> "MERGE INTO sqlbench (id, grp, val) VALUES (?, ?, ?)";
        };
        try (Connection connection = DriverManager.getConnection(url, login); PreparedStatement statement = connection.prepareStatement(sql)) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long now = System.nanoTime();
            while (now < end) {
                int id = random.nextInt(ROWS);
                long start = now;
                if (query == Query.WRITE) {
                    statement.setInt(1, id);
                    statement.setInt(2, id % GROUPS);
                    statement.setLong(3, 7L * id);
                    if (statement.executeUpdate() != 1) {
                        throw new IllegalStateException("write of id " + id + " through " + url + " not acknowledged");
                    }
                } else if (query == Query.POINT) {
                    statement.setInt(1, id);
                    try (ResultSet rows = statement.executeQuery()) {
                        if (!rows.next() || rows.getLong(1) != 7L * id) {
                            throw new IllegalStateException("point read of id " + id + " through " + url + " answered wrong");
                        }
                    }
                } else {
                    long count = 0;
                    int groups = 0;
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            groups++;
                            count += rows.getLong(2);
                        }
                    }
                    if (groups != GROUPS || count != ROWS) {
                        throw new IllegalStateException("GROUP BY through " + url + " answered " + groups + " groups of "
                                + count + " rows, expected " + GROUPS + " of " + ROWS);
                    }
                }
                now = System.nanoTime();
                if (start >= measureFrom && now <= end) {
                    histogram.recordValue(Math.max(1, (now - start) / 1000));
                }
            }
        }
        return histogram;
    }
}

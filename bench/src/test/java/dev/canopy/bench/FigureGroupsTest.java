package dev.canopy.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The figures each group assembles from recorded runs: their comparison and ratio. */
class FigureGroupsTest {

    @Test
    void groupNamesAreDistinct() {
        List<String> names = Bench.allGroups().stream().map(FigureGroup::name).toList();
        assertThat(names).doesNotHaveDuplicates()
                .containsExactly("provision", "failover", "upgrade", "bluegreen", "scale-out", "backup", "replication", "sql", "security",
                        "control-plane-kubernetes", "control-plane-failover", "control-plane");
    }

    @Test
    void sqlThroughTheAggregatorStandsNextToTheLeaf() {
        Runs runs = new Runs();
        for (String query : List.of("point", "group-by")) {
            runs.record("sql-" + query + "-aggregator-ops", 900);
            runs.record("sql-" + query + "-leaf-ops", 600);
            runs.record("sql-" + query + "-aggregator-p99", 3);
            runs.record("sql-" + query + "-leaf-p99", 2);
        }
        List<Figure> figures = new SqlPathBench().figures(runs);
        assertThat(figures).hasSize(4);
        assertThat(figures.getFirst().name()).startsWith("SQL point read by primary key through the aggregator")
                .endsWith("operations per second");
        assertThat(figures.getFirst().ratio()).isEqualTo(1.5);
        assertThat(figures.get(1).ratio()).isEqualTo(1.5);
        assertThat(figures.get(2).name()).startsWith("SQL GROUP BY over 100000 rows");
    }

    @Test
    void tlsStandsNextToPlainTextForWritesAndReads() {
        Runs runs = new Runs();
        for (String query : List.of("write", "point")) {
            runs.record("security-" + query + "-tls-ops", 850);
            runs.record("security-" + query + "-plain-ops", 1000);
            runs.record("security-" + query + "-tls-p99", 4);
            runs.record("security-" + query + "-plain-p99", 2);
            runs.record("security-" + query + "-client-tls-ops", 900);
            runs.record("security-" + query + "-client-tls-p99", 3);
        }
        List<Figure> figures = new SecurityBench().figures(runs);
        assertThat(figures).hasSize(8);
        assertThat(figures.getFirst().name()).startsWith("SQL write (MERGE by key) over TLS, clients and nodes")
                .endsWith("operations per second");
        assertThat(figures.getFirst().comparison()).isEqualTo("plain text, with authentication");
        assertThat(figures.getFirst().ratio()).isEqualTo(0.85);
        assertThat(figures.get(1).ratio()).isEqualTo(2.0);
        assertThat(figures.get(2).name()).contains("clients only (nodes in plain text)");
        assertThat(figures.get(2).ratio()).isEqualTo(0.9);
        assertThat(figures.get(3).ratio()).isEqualTo(1.5);
    }

    @Test
    void backupAndRestoreRatesStandNextToTheDisk() {
        Runs runs = new Runs();
        runs.record("backup-mbps", 50);
        runs.record("restore-mbps", 25);
        runs.record("backup-disk-copy-mbps", 500);
        runs.record("recovery-ms", 40_000);
        runs.record("backup-ms", 9_000);
        List<Figure> figures = new BackupBench().figures(runs);
        assertThat(figures).extracting(Figure::unit).containsExactly("MB/s", "MB/s", "ms", "ms");
        assertThat(figures.get(0).ratio()).isEqualTo(0.1);
        assertThat(figures.get(1).ratio()).isEqualTo(0.05);
        assertThat(figures.get(2).name()).startsWith("Region-to-region recovery time");
        assertThat(figures.get(3).samples()).containsExactly(9_000.0);
    }

    @Test
    void replicationCostStandsNextToTheSameLoadWithoutCapture() {
        Runs runs = new Runs();
        runs.record("replication-capture-writes", 800);
        runs.record("replication-plain-writes", 1000);
        runs.record("replication-capture-p99", 12);
        runs.record("replication-plain-p99", 8);
        runs.record("replication-lag-p50", 900);
        runs.record("replication-lag-p99", 1800);
        runs.record("replication-catch-up", 1200);
        runs.record("replication-plain-first-writes", 1000);
        runs.record("replication-plain-first-p99", 8);
        runs.record("replication-capture-only-writes", 900);
        runs.record("replication-capture-only-p99", 10);
        runs.record("replication-region-lag-p50", 1800);
        runs.record("replication-region-lag-p99", 5400);
        List<Figure> figures = new ReplicationBench().figures(runs);
        assertThat(figures).extracting(Figure::unit)
                .containsExactly("writes/s", "ms", "writes/s", "ms", "ms", "ms", "ms", "ms", "ms");
        assertThat(figures.get(0).comparison()).contains("without capture");
        assertThat(figures.get(0).ratio()).isEqualTo(0.8);
        assertThat(figures.get(1).ratio()).isEqualTo(1.5);
        assertThat(figures.get(2).name()).contains("nothing streaming");
        assertThat(figures.get(2).ratio()).isEqualTo(0.9);
        assertThat(figures.get(2).comparison()).contains("first load on fresh nodes");
        assertThat(figures.get(3).ratio()).isEqualTo(1.25);
        assertThat(figures.get(4).name()).contains("lag p50").contains("end to end");
        assertThat(figures.get(5).name()).contains("lag p99");
        assertThat(figures.get(5).samples()).containsExactly(1800.0);
        assertThat(figures.get(6).name()).contains("heartbeat-based");
        assertThat(figures.get(6).ratio()).isEqualTo(2.0);
        assertThat(figures.get(7).ratio()).isEqualTo(3.0);
        assertThat(figures.get(8).name()).startsWith("Replication catch-up");
        assertThat(figures.get(8).ratio()).isNaN();
        assertThat(MarkdownTable.render(new BenchReport("2026-12-03", "quick", "2.17.0",
                new Machine(2, 1, "jdk", "os"), figures))).contains("Replication lag p99");
    }

    @Test
    void replicationPercentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertThat(ReplicationBench.percentile(sorted, 50)).isEqualTo(50);
        assertThat(ReplicationBench.percentile(sorted, 99)).isEqualTo(99);
        assertThat(ReplicationBench.percentile(new long[] {7}, 99)).isEqualTo(7);
    }

    @Test
    void durationsSayWhenTheFloorWasNotMeasured() {
        Runs runs = new Runs();
        for (String key : List.of("roll-leaves-failed", "roll-aggregators-failed", "roll-duration", "roll-leaves-p99",
                "roll-aggregators-p99", "roll-steady-p99", "engine-downtime", "engine-failed", "engine-offline-status",
                "engine-duration")) {
            runs.record(key, 10);
        }
        List<Figure> figures = new UpgradeBench().figures(runs);
        Figure duration = figures.stream().filter(f -> f.name().contains("Rolling") && f.name().contains("duration"))
                .findFirst().orElseThrow();
        assertThat(duration.comparison()).contains("not measured");
        assertThat(duration.ratio()).isNaN();

        runs.record(BenchSupport.FLOOR, 5);
        assertThat(new UpgradeBench().figures(runs)).filteredOn(f -> f.name().contains("duration"))
                .allSatisfy(f -> assertThat(f.ratio()).isEqualTo(2.0));
        // every figure renders: none without runs
        assertThat(MarkdownTable.render(new BenchReport("2026-11-25", "quick", "2.17.0",
                new Machine(2, 1, "jdk", "os"), figures))).contains("Engine version change 2.16.0 → 2.17.0");
    }

    @Test
    void slowRatesKeepTwoDecimals() {
        assertThat(new ControlPlaneBench.Rate(0.634, 3101, 4164).perSecondRounded()).isEqualTo(0.63);
        assertThat(new ControlPlaneBench.Rate(573.4, 2, 33).perSecondRounded()).isEqualTo(573);
    }
}

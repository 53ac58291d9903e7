package dev.canopy.bench;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.workload.PhaseStats;
import dev.canopy.workload.Workload;
import dev.canopy.workload.WorkloadOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.canopy.bench.BenchSupport.awaitTrue;
import static dev.canopy.bench.BenchSupport.checked;
import static dev.canopy.bench.BenchSupport.log;
import static dev.canopy.bench.BenchSupport.millisSince;
import static dev.canopy.bench.BenchSupport.sleep;

/**
 * The engine upgrade 2.16.0 → 2.17.0 both ways, under the same load (two writers and a reader through both
 * aggregators) on the same topology (2 aggregators, 1 leaf per AG, redundancy 2): blue/green (the default), whose
 * write pause the status records (fence → green serving) and a client sees as its longest error window; and the
 * coordinated restart, whose downtime is that window too. Each on a cluster of its own, one after the other.
 */
final class BlueGreenBench implements FigureGroup {
    private static final String FROM = UpgradeBench.FROM;
    private static final String TO = UpgradeBench.TO;
    private static final Duration UPGRADE_TIMEOUT = Duration.ofMinutes(10);

    @Override
    public String name() {
        return "bluegreen";
    }

    private static DatabaseClusterSpec spec(String release, String strategy) {
        return new DatabaseClusterSpec(release, 2, new AggregatorsSpec(2, 0.25), new LeavesSpec(1, 0.5, 1, null),
                Map.of(), false).withUpgradeStrategy(strategy);
    }

    @Override
    public void run(int run, Path dir, Runs runs) {
        for (String strategy : List.of(DatabaseClusterSpec.BLUE_GREEN, DatabaseClusterSpec.COORDINATED_RESTART)) {
            String key = strategy.equals(DatabaseClusterSpec.BLUE_GREEN) ? "bg" : "cr";
            try (BenchRegion region = new BenchRegion(dir.resolve(key))) {
                long generation = region.apply("bench", spec(FROM, strategy));
                DatabaseClusterStatus ready = BenchSupport.awaitWhole(region, generation);
                try (Workload load = Workload.start(WorkloadOptions.defaults(ready.endpoints().jdbcUrl(), "bench")
                        .withTableOptions("template=canopy").withWriters(2, 40).withReaders(1, 40)
                        .withStatementTimeout(Duration.ofSeconds(20)))) {
                    awaitTrue("the load runs", Duration.ofMinutes(1), () -> load.progress().writesOk() >= 100);
                    sleep(Duration.ofSeconds(5));
                    checked(load, load.cut("steady on " + FROM));
                    long start = System.nanoTime();
                    long upgraded = region.apply("bench", spec(TO, strategy));
                    awaitTrue(strategy + " upgrade to " + TO + " (failures: " + region.failures + ")", UPGRADE_TIMEOUT,
                            () -> region.status("bench").filter(s -> s.observedGeneration() == upgraded && TO.equals(s.release())
                                    && s.upgrade() != null && !s.upgrade().inProgress()).isPresent());
                    DatabaseClusterStatus done = BenchSupport.awaitWhole(region, upgraded);
                    runs.record(key + "-duration", millisSince(start));
                    sleep(Duration.ofSeconds(3));
                    PhaseStats stats = checked(load, load.cut(strategy + " " + FROM + " -> " + TO));
                    runs.record(key + "-window", stats.longestErrorWindow().toMillis());
                    runs.record(key + "-failed", stats.writesFailed() + stats.readsFailed());
                    if (done.upgrade().writePauseSeconds() != null) {
                        runs.record(key + "-pause-status", Math.round(done.upgrade().writePauseSeconds() * 1000));
                    }
                    if (done.upgrade().offlineSeconds() != null) {
                        runs.record(key + "-offline-status", Math.round(done.upgrade().offlineSeconds() * 1000));
                    }
                    log("%s: %s", strategy, done.upgrade());
                }
            }
        }
    }

    @Override
    public List<Figure> figures(Runs runs) {
        String topology = " " + FROM + " → " + TO + " under load (2 aggregators + 1 leaf per AG)";
        return List.of(
                new Figure("Blue/green engine upgrade" + topology + ": write pause by the status (fence → green serving)", "ms",
                        runs.get("bg-pause-status"), "coordinated restart: offline by the status", runs.get("cr-offline-status")),
                new Figure("Blue/green engine upgrade" + topology + ": longest error window a client saw", "ms",
                        runs.get("bg-window"), "coordinated restart: the same", runs.get("cr-window")),
                new Figure("Blue/green engine upgrade" + topology + ": failed statements", "", runs.get("bg-failed"),
                        "coordinated restart: the same", runs.get("cr-failed")),
                new Figure("Blue/green engine upgrade" + topology + ": duration, spec applied to Ready at " + TO, "ms",
                        runs.get("bg-duration"), "coordinated restart: the same", runs.get("cr-duration")));
    }
}

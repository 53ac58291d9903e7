package dev.canopy.bench;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.core.NodeId;
import dev.canopy.workload.PhaseStats;
import dev.canopy.workload.Workload;
import dev.canopy.workload.WorkloadOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.canopy.bench.BenchSupport.FLOOR;
import static dev.canopy.bench.BenchSupport.FLOOR_TEXT;
import static dev.canopy.bench.BenchSupport.STEP_TIMEOUT;
import static dev.canopy.bench.BenchSupport.awaitTrue;
import static dev.canopy.bench.BenchSupport.awaitWhole;
import static dev.canopy.bench.BenchSupport.checked;
import static dev.canopy.bench.BenchSupport.log;
import static dev.canopy.bench.BenchSupport.millisSince;
import static dev.canopy.bench.BenchSupport.sleep;

/**
 * Figure 4 on one cluster (2 aggregators, 2 leaves per AG, redundancy 2) under load through both aggregators: first an
 * engine version change 2.16.0 → 2.17.0 (a coordinated restart: Ignite refuses mixed versions), whose downtime is the
 * longest error window a client saw; then a restart-requiring setting ({@code spec.config.checkpointFrequencyMs}),
 * a rolling restart of the leaves one at a time and then of the aggregators, with the failed statements of each half.
 * The halves are told apart by the first aggregator's launcher logging that it was asked to stop.
 */
final class UpgradeBench implements FigureGroup {
    static final String FROM = "2.16.0";
    static final String TO = "2.17.0";
    static final String SETTING = "checkpointFrequencyMs";
    /** The launcher's line when its supervisor closes its standard input: the start of a graceful stop. */
    private static final String STOPPING = "stopping the node";

    @Override
    public String name() {
        return "upgrade";
    }

    private static DatabaseClusterSpec spec(String release, Map<String, String> config) {
        // this bench measures the coordinated restart, chosen explicitly (an engine change is blue/green by default)
        return new DatabaseClusterSpec(release, 2, new AggregatorsSpec(2, 0.25), new LeavesSpec(2, 0.25, 1, null),
                config, false).withUpgradeStrategy(DatabaseClusterSpec.COORDINATED_RESTART);
    }

    @Override
    public void run(int run, Path dir, Runs runs) {
        try (BenchRegion region = new BenchRegion(dir)) {
            long generation = region.apply("bench", spec(FROM, Map.of()));
            DatabaseClusterStatus ready = awaitWhole(region, generation);
            try (Workload load = Workload.start(WorkloadOptions.defaults(ready.endpoints().jdbcUrl(), "bench")
                    .withTableOptions("template=canopy").withWriters(2, 40).withReaders(1, 40)
                    .withStatementTimeout(Duration.ofSeconds(20)))) {
                awaitTrue("the load runs", Duration.ofMinutes(1), () -> load.progress().writesOk() >= 100);

                // the engine version change
                sleep(Duration.ofSeconds(5));
                checked(load, load.cut("steady on " + FROM));
                long start = System.nanoTime();
                generation = region.apply("bench", spec(TO, Map.of()));
                DatabaseClusterStatus changed = awaitWhole(region, generation);
                double duration = millisSince(start);
                sleep(Duration.ofSeconds(3));
                PhaseStats engine = checked(load, load.cut("engine change " + FROM + " -> " + TO));
                runs.record("engine-downtime", engine.longestErrorWindow().toMillis());
                runs.record("engine-failed", engine.writesFailed() + engine.readsFailed());
                if (changed.upgrade() != null && changed.upgrade().offlineSeconds() != null) {
                    runs.record("engine-offline-status", Math.round(changed.upgrade().offlineSeconds() * 1000));
                }
                runs.record("engine-duration", duration);

                // the rolling restart for a setting
                sleep(Duration.ofSeconds(5));
                PhaseStats steady = checked(load, load.cut("steady on " + TO));
                LogWatch aggregatorStops = new LogWatch(List.of(
                        region.runtime.nodeDirectory("bench", NodeId.aggregator(0)).resolve("node.log"),
                        region.runtime.nodeDirectory("bench", NodeId.aggregator(1)).resolve("node.log")), STOPPING);
                start = System.nanoTime();
                generation = region.apply("bench", spec(TO, Map.of(SETTING, "90000")));
                // polled every 2 ms: the first statements failing on the stopping aggregator come within ~100 ms of
                // its stop line, and must not be counted as the leaves'
                long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
                while (!aggregatorStops.seen()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("timed out after " + STEP_TIMEOUT + " waiting for the first aggregator to stop");
                    }
                    sleep(Duration.ofMillis(2));
                }
                // no read-back here: it would compete with the aggregators' roll; the one at the end covers both halves
                PhaseStats leaves = noLostReads(load.cut("rolling restart: leaves"));
                awaitWhole(region, generation);
                double rolled = millisSince(start);
                sleep(Duration.ofSeconds(3));
                PhaseStats aggregators = checked(load, load.cut("rolling restart: aggregators"));
                runs.record("roll-leaves-failed", leaves.writesFailed() + leaves.readsFailed());
                runs.record("roll-aggregators-failed", aggregators.writesFailed() + aggregators.readsFailed());
                runs.record("roll-duration", rolled);
                runs.record("roll-leaves-p99", leaves.writeP99().toMillis());
                runs.record("roll-aggregators-p99", aggregators.writeP99().toMillis());
                runs.record("roll-steady-p99", steady.writeP99().toMillis());
            }
        }
    }

    private static PhaseStats noLostReads(PhaseStats stats) {
        log("%s", stats.summary());
        if (stats.readsLost() > 0) {
            throw new IllegalStateException("acknowledged writes lost during " + stats.label() + ": " + stats.readsLost()
                    + " reads found no row or a wrong one");
        }
        return stats;
    }

    @Override
    public List<Figure> figures(Runs runs) {
        String roll = "Rolling restart for spec.config." + SETTING + " under load (2 aggregators + 2 leaves per AG)";
        String engine = "Engine version change " + FROM + " → " + TO + " under load (coordinated restart)";
        List<Double> floor = runs.get(FLOOR);
        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure(roll + ": failed statements while the leaves roll", "", runs.get("roll-leaves-failed"),
                "goal 0", List.of()));
        figures.add(new Figure(roll + ": failed statements while the aggregators roll", "", runs.get("roll-aggregators-failed"),
                "README: an aggregator stopping fails the next statement of each connection to it (2-4 here)", List.of()));
        figures.add(new Figure(roll + ": duration, spec applied to Ready, RedundancyMet and Balanced", "ms",
                runs.get("roll-duration"), floor.isEmpty() ? FLOOR_TEXT + " (not measured: run the provision group too)"
                        : FLOOR_TEXT, floor));
        figures.add(new Figure(roll + ": write p99 while the leaves roll", "ms", runs.get("roll-leaves-p99"),
                "write p99 of the steady load before it", runs.get("roll-steady-p99")));
        figures.add(new Figure(roll + ": write p99 while the aggregators roll", "ms", runs.get("roll-aggregators-p99"),
                "write p99 of the steady load before it", runs.get("roll-steady-p99")));
        figures.add(new Figure(engine + ": downtime, the longest error window a client saw", "ms",
                runs.get("engine-downtime"), "the status's upgrade.offlineSeconds", runs.get("engine-offline-status")));
        figures.add(new Figure(engine + ": failed statements", "", runs.get("engine-failed"),
                "every statement in the window fails: Ignite refuses mixed versions", List.of()));
        figures.add(new Figure(engine + ": duration, spec applied to Ready, RedundancyMet and Balanced", "ms",
                runs.get("engine-duration"), floor.isEmpty() ? FLOOR_TEXT + " (not measured: run the provision group too)"
                        : FLOOR_TEXT, floor));
        return figures;
    }
}

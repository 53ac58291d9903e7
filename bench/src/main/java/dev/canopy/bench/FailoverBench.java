package dev.canopy.bench;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.core.NodeId;
import dev.canopy.workload.PhaseStats;
import dev.canopy.workload.Workload;
import dev.canopy.workload.WorkloadOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.canopy.bench.BenchSupport.FLOOR;
import static dev.canopy.bench.BenchSupport.FLOOR_TEXT;
import static dev.canopy.bench.BenchSupport.awaitBack;
import static dev.canopy.bench.BenchSupport.awaitTrue;
import static dev.canopy.bench.BenchSupport.awaitWhole;
import static dev.canopy.bench.BenchSupport.checked;
import static dev.canopy.bench.BenchSupport.kill;
import static dev.canopy.bench.BenchSupport.millisSince;
import static dev.canopy.bench.BenchSupport.sleep;
import static dev.canopy.bench.BenchSupport.spec;

/**
 * Figures 2 and 3: kill -9 of a leaf, then of an aggregator, on one cluster (2 aggregators, 2 leaves per AG) under one
 * load through both aggregators. The two events share the cluster and the load so that a run provisions once; the
 * "until RedundancyMet" figures stand next to {@link ProvisionBench}'s floor when that group ran too.
 */
final class FailoverBench implements FigureGroup {

    @Override
    public String name() {
        return "failover";
    }

    @Override
    public void run(int run, Path dir, Runs runs) {
        DatabaseClusterSpec spec = spec(2, 2);
        try (BenchRegion region = new BenchRegion(dir)) {
            long generation = region.apply("bench", spec);
            DatabaseClusterStatus ready = awaitWhole(region, generation);
            try (Workload load = Workload.start(WorkloadOptions.defaults(ready.endpoints().jdbcUrl(), "bench")
                    .withTableOptions("template=canopy").withWriters(2, 40).withReaders(1, 40)
                    .withStatementTimeout(Duration.ofSeconds(20)))) {
                awaitTrue("the load runs", Duration.ofMinutes(1), () -> load.progress().writesOk() >= 100);
                for (NodeId node : List.of(NodeId.leaf(1, 1), NodeId.aggregator(0))) {
                    String event = node.isLeaf() ? "leaf" : "aggregator";
                    // a steady stretch before each event: the p99 it is compared with
                    sleep(Duration.ofSeconds(5));
                    PhaseStats steady = checked(load, load.cut("steady before " + node));
                    long start = System.nanoTime();
                    long pid = kill(region.runtime, node);
                    awaitBack(region, spec, node, pid);
                    awaitWhole(region, generation);
                    double redundancy = millisSince(start);
                    // the load keeps running a little after the event, so that the window covers its aftermath
                    sleep(Duration.ofSeconds(3));
                    PhaseStats around = checked(load, load.cut("kill -9 " + node));
                    runs.record(event + "-failed", around.writesFailed() + around.readsFailed());
                    runs.record(event + "-window", around.longestErrorWindow().toMillis());
                    runs.record(event + "-p99", around.writeP99().toMillis());
                    runs.record(event + "-steady-p99", steady.writeP99().toMillis());
                    runs.record(event + "-redundancy", redundancy);
                }
            }
        }
    }

    @Override
    public List<Figure> figures(Runs runs) {
        List<Double> floor = runs.get(FLOOR);
        List<Figure> figures = new ArrayList<>();
        for (String event : List.of("leaf", "aggregator")) {
            String title = event.equals("leaf") ? "Leaf kill -9 under load" : "Aggregator kill -9 under load (2 aggregators)";
            String goal = event.equals("leaf") ? "goal 0 (DESIGN.md, bare Ignite: no failed write)"
                    : "DESIGN.md, bare Ignite with both addresses: 1 failed call";
            figures.add(new Figure(title + ": failed statements", "", runs.get(event + "-failed"), goal, List.of()));
            figures.add(new Figure(title + ": longest error window", "ms", runs.get(event + "-window"),
                    event.equals("leaf") ? "goal 0 ms" : "DESIGN.md, bare Ignite: 324 ms", List.of()));
            figures.add(new Figure(title + ": write p99 around the event", "ms", runs.get(event + "-p99"),
                    "write p99 of the steady load before it", runs.get(event + "-steady-p99")));
            figures.add(new Figure(title + ": until RedundancyMet is true again", "ms", runs.get(event + "-redundancy"),
                    floor.isEmpty() ? FLOOR_TEXT + " (not measured: run the provision group too)" : FLOOR_TEXT, floor));
        }
        return figures;
    }
}

package dev.canopy.bench;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.Topology;
import dev.canopy.engine.ignite.IgniteEngine;
import dev.canopy.runtime.local.LocalRuntime;
import dev.canopy.runtime.local.ReleaseCatalog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.canopy.bench.BenchSupport.FLOOR;
import static dev.canopy.bench.BenchSupport.FLOOR_TEXT;
import static dev.canopy.bench.BenchSupport.RELEASE;
import static dev.canopy.bench.BenchSupport.STEP_TIMEOUT;
import static dev.canopy.bench.BenchSupport.answers;
import static dev.canopy.bench.BenchSupport.awaitTrue;
import static dev.canopy.bench.BenchSupport.connects;
import static dev.canopy.bench.BenchSupport.millisSince;
import static dev.canopy.bench.BenchSupport.spec;

/** Figure 1: spec applied to the first SQL answer through an aggregator, next to one bare Ignite node's start (the floor). */
final class ProvisionBench implements FigureGroup {

    @Override
    public String name() {
        return "provision";
    }

    @Override
    public void run(int run, Path dir, Runs runs) {
        runs.record(FLOOR, bareNodeStart(dir.resolve("floor")));
        runs.record("provision-1x1", provision(dir.resolve("p11"), spec(1, 1)));
        runs.record("provision-1x2", provision(dir.resolve("p12"), spec(1, 2)));
    }

    @Override
    public List<Figure> figures(Runs runs) {
        List<Double> floor = runs.get(FLOOR);
        return List.of(
                new Figure("Provision 1 aggregator + 1 leaf per AG: spec applied to first SQL answer", "ms",
                        runs.get("provision-1x1"), FLOOR_TEXT, floor),
                new Figure("Provision 1 aggregator + 2 leaves per AG: spec applied to first SQL answer", "ms",
                        runs.get("provision-1x2"), FLOOR_TEXT, floor));
    }

    /** The floor: one leaf started alone as a process, until its SQL listener accepts a JDBC connection. */
    private static double bareNodeStart(Path dir) {
        DatabaseClusterSpec spec = new DatabaseClusterSpec(RELEASE, 1, new AggregatorsSpec(1, 0.25),
                new LeavesSpec(1, 0.25, 1, null), Map.of(), false);
        NodeId leaf = NodeId.leaf(1, 0);
        try (LocalRuntime runtime = new LocalRuntime(dir, ReleaseCatalog.fromSystemProperties(), "127.0.0.1",
                Duration.ofSeconds(20))) {
            Map<NodeId, NodePlacement> placements = runtime.place("floor", List.of(leaf));
            Topology topology = new Topology("floor", spec, placements);
            String url = Topology.jdbcUrl(List.of(placements.get(leaf).sqlAddress()));
            var launch = IgniteEngine.local().render(topology, leaf);
            long start = System.nanoTime();
            runtime.start("floor", leaf, launch);
            awaitTrue("bare node SQL port", Duration.ofMinutes(2), () -> connects(url));
            return millisSince(start);
        }
    }

    /** Spec applied, until a statement through the status's aggregator endpoint answers. */
    private static double provision(Path dir, DatabaseClusterSpec spec) {
        try (BenchRegion region = new BenchRegion(dir)) {
            long start = System.nanoTime();
            region.apply("bench", spec);
            awaitTrue("first SQL answer through an aggregator", STEP_TIMEOUT, () -> region.status("bench")
                    .map(DatabaseClusterStatus::endpoints).map(e -> answers(e.jdbcUrl())).orElse(false));
            return millisSince(start);
        }
    }
}

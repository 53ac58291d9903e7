package dev.canopy.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static dev.canopy.bench.BenchSupport.RELEASE;
import static dev.canopy.bench.BenchSupport.deleteTree;
import static dev.canopy.bench.BenchSupport.log;

/**
 * {@code ./canopy bench [--quick] [--only GROUP[,GROUP] [--publish]] [--runs N] [--keep]}: measures the figures on real node processes of
 * the local runtime, writes the day's {@code bench/results/<date>.json} and regenerates {@code BENCHMARKS.md}. Exits
 * non-zero, writing nothing, when an acknowledged write was lost. {@code --only} runs the named groups and prints their
 * table without writing either file (a partial table must not replace the published one); with {@code --publish} it
 * writes their own result file, whose table BENCHMARKS.md shows below the full run's.
 */
public final class Bench {

    private Bench() {
    }

    /** Every group, in the order a run measures them and the table lists them. */
    static List<FigureGroup> allGroups() {
        return List.of(new ProvisionBench(), new FailoverBench(), new UpgradeBench(), new BlueGreenBench(), new ScaleOutBench(), new BackupBench(), new ReplicationBench(), new SqlPathBench(), new SecurityBench(), new KubernetesStatusBench(), new ControlPlaneFailoverBench(),
                new ControlPlaneBench());
    }

    public static void main(String[] args) throws Exception {
        Arguments arguments = Arguments.parse(List.of(args), allGroups().stream().map(FigureGroup::name).toList());
        List<FigureGroup> groups = allGroups().stream()
                .filter(g -> arguments.only().isEmpty() || arguments.only().contains(g.name())).toList();
        Path repo = Path.of(System.getProperty("canopy.repo", ".")).toAbsolutePath().normalize();
        Path workDir = Files.createTempDirectory("canopy-bench-");
        log("work directory %s (every node process runs from here)", workDir);
        Runs runs = new Runs();
        try {
            for (int run = 1; run <= arguments.runs(); run++) {
                log("run %d of %d", run, arguments.runs());
                for (FigureGroup group : groups) {
                    long start = System.nanoTime();
                    Path dir = workDir.resolve(group.name() + "-" + run);
                    group.run(run, dir, runs);
                    log("group %s, run %d: %.0f s", group.name(), run, (System.nanoTime() - start) / 1e9);
                    if (!arguments.keep()) {
                        // a run's nodes leave gigabytes (preallocated WAL, the scale-out's rows): the disk fills up
                        // if every run's directory waits for the end
                        deleteTree(dir);
                    }
                }
            }
        } finally {
            if (arguments.keep()) {
                log("kept the work directory %s", workDir);
            } else {
                deleteTree(workDir);
            }
        }
        List<Figure> figures = new ArrayList<>();
        groups.forEach(g -> figures.addAll(g.figures(runs)));
        BenchReport report = new BenchReport(LocalDate.now(ZoneOffset.UTC).toString(),
                arguments.quick() ? "quick" : "full", RELEASE, Machine.current(), figures);
        System.out.print(MarkdownTable.render(report));
        if (arguments.only().isEmpty() || arguments.publish()) {
            PublishedResults.publish(repo, report, arguments.only());
            log("published: bench/results/%s and BENCHMARKS.md", PublishedResults.fileName(report.date(), arguments.only()));
        }
    }
}

package dev.canopy.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PublishedResultsTest {

    private static BenchReport report(String date, String figure) {
        return new BenchReport(date, "quick", "2.17.0", new Machine(2, 24_000, "JDK", "Linux"),
                List.of(new Figure(figure, "ms", List.of(1.0, 2.0, 3.0), "none", List.of())));
    }

    @Test
    void aPartialRunAddsItsGroupsBelowTheFullRunInsteadOfReplacingIt(@TempDir Path repo) throws Exception {
        PublishedResults.publish(repo, report("2026-11-20", "old full"), List.of());
        PublishedResults.publish(repo, report("2026-11-21", "stale partial"), List.of("sql"));
        PublishedResults.publish(repo, report("2026-11-25", "full"), List.of());
        PublishedResults.publish(repo, report("2026-12-03", "backup figure"), List.of("backup", "scale-out"));

        assertThat(repo.resolve("bench/results/2026-12-03-backup+scale-out.json")).exists();
        String md = Files.readString(repo.resolve("BENCHMARKS.md"));
        assertThat(md).contains("Raw runs: `bench/results/2026-11-25.json`", "| full | 2 ms |",
                        "## Measured again: backup, scale-out", "`bench/results/2026-12-03-backup+scale-out.json`",
                        "| backup figure | 2 ms |")
                .doesNotContain("old full", "stale partial");
        assertThat(md.indexOf("| full |")).isLessThan(md.indexOf("| backup figure |"));
    }
}

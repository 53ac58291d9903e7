package dev.canopy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The result files in {@code bench/results}: {@code <date>.json} for a full run, {@code <date>-<group>[+<group>].json}
 * for some groups measured again ({@code --only ... --publish}). BENCHMARKS.md is rendered from the newest full run
 * and the partial runs of its day or later, so that measuring one group again adds its table rather than replacing
 * the whole one with a part of it.
 */
final class PublishedResults {
    private static final Pattern NAME = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})(?:-([a-z+-]+))?\\.json");

    /** A partial run: its file, the groups it measured, and its report. */
    record Partial(String file, List<String> groups, BenchReport report) {
    }

    private PublishedResults() {
    }

    /** The file name a report is written under: the groups it measured, none for a full run. */
    static String fileName(String date, List<String> groups) {
        return date + (groups.isEmpty() ? "" : "-" + String.join("+", groups)) + ".json";
    }

    /** Writes the report's result file and regenerates {@code BENCHMARKS.md} from every published file. */
    static void publish(Path repo, BenchReport report, List<String> groups) throws IOException {
        Path results = repo.resolve("bench/results");
        Files.createDirectories(results);
        Files.writeString(results.resolve(fileName(report.date(), groups)), ResultJson.write(report));
        Files.writeString(repo.resolve("BENCHMARKS.md"), render(results));
    }

    static String render(Path results) throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(results)) {
            files = listed.filter(f -> NAME.matcher(f.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(f -> f.getFileName().toString())).toList();
        }
        Path full = files.stream().filter(f -> group(f).isEmpty()).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("no full run in " + results + ": run ./canopy bench first"));
        String fullDate = date(full);
        List<Partial> partials = new ArrayList<>();
        for (Path file : files) {
            Optional<String> groups = group(file);
            if (groups.isPresent() && date(file).compareTo(fullDate) >= 0) {
                partials.add(new Partial(file.getFileName().toString(), List.of(groups.get().split("\\+")), read(file)));
            }
        }
        return MarkdownTable.render(read(full), full.getFileName().toString(), partials);
    }

    private static BenchReport read(Path file) throws IOException {
        return ResultJson.read(Files.readString(file));
    }

    private static String date(Path file) {
        return matcher(file).group(1);
    }

    private static Optional<String> group(Path file) {
        return Optional.ofNullable(matcher(file).group(2));
    }

    private static Matcher matcher(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a result file: " + file);
        }
        return m;
    }
}

package dev.canopy.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The dashboards and alert rules under deploy/monitoring, and the series each names. Here, in core's test jar, because
 * two modules check them against what they export (control-plane's MonitoringTest, operator's OperatorMetricsTest), and
 * both have this jar on their test path; deploy/monitoring/exporters.properties says whose each series is.
 */
public final class MonitoringFiles {
    /** Tests run in their module's directory. */
    public static final Path DIRECTORY = Path.of("..", "deploy", "monitoring").toAbsolutePath().normalize();
    public static final Path RULES = DIRECTORY.resolve("canopy-alerts.yaml");

    /** Where a query is written, and the query. */
    public record Query(String place, String promql) {
    }

    private MonitoringFiles() {
    }

    public static List<Path> dashboards() {
        try (Stream<Path> files = Files.list(DIRECTORY.resolve("dashboards"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode dashboard(Path file) {
        try {
            return new JsonMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file + ": " + e.getMessage(), e);
        }
    }

    public static JsonNode rules() {
        try {
            return new YAMLMapper().readTree(RULES.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + RULES + ": " + e.getMessage(), e);
        }
    }

    /** Every query of every panel and template variable of every dashboard, and every alert rule's. */
    public static List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (Path file : dashboards()) {
            JsonNode board = dashboard(file);
            panels(board.path("panels")).forEach(panel -> panel.path("targets").forEach(target ->
                    queries.add(new Query(file.getFileName() + ": " + panel.path("title").asText(), target.path("expr").asText()))));
            board.path("templating").path("list").forEach(variable -> {
                if (variable.path("type").asText().equals("query")) {
                    queries.add(new Query(file.getFileName() + ": $" + variable.path("name").asText(), variable.path("definition").asText()));
                }
            });
        }
        rules().path("groups").forEach(group -> group.path("rules").forEach(rule ->
                queries.add(new Query(RULES.getFileName() + ": " + rule.path("alert").asText(), rule.path("expr").asText()))));
        return queries;
    }

    /** The panels of a dashboard, those inside rows too. */
    public static List<JsonNode> panels(JsonNode panels) {
        List<JsonNode> all = new ArrayList<>();
        panels.forEach(panel -> {
            all.add(panel);
            all.addAll(panels(panel.path("panels")));
        });
        return all;
    }

    /** Each series named anywhere, with the places it is named. */
    public static Map<String, List<String>> seriesNamed() {
        Map<String, List<String>> named = new LinkedHashMap<>();
        for (Query query : queries()) {
            for (String name : PromQlNames.of(query.promql())) {
                named.computeIfAbsent(name, n -> new ArrayList<>()).add(query.place());
            }
        }
        return named;
    }

    /** Whose series this is, by the longest prefix in exporters.properties; null when none matches. */
    public static String exporterOf(String series) {
        Properties exporters = new Properties();
        try (Reader reader = Files.newBufferedReader(DIRECTORY.resolve("exporters.properties"))) {
            exporters.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return exporters.stringPropertyNames().stream().filter(series::startsWith)
                .max(Comparator.comparingInt(String::length)).map(exporters::getProperty).orElse(null);
    }

    /** The series named anywhere that are {@code exporter}'s. */
    public static Set<String> seriesOf(String exporter) {
        Set<String> names = new TreeSet<>();
        seriesNamed().keySet().stream().filter(n -> exporter.equals(exporterOf(n))).forEach(names::add);
        return names;
    }

    /**
     * The series names of a Prometheus text exposition: each sample line's name, so a histogram gives its _bucket,
     * _count and _sum series and a counter its _total, as a query names them.
     */
    public static Set<String> exposed(String exposition) {
        Set<String> names = new TreeSet<>();
        exposition.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(line -> {
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        });
        return names;
    }
}

package dev.canopy.bench;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static dev.canopy.bench.BenchSupport.awaitWhole;
import static dev.canopy.bench.BenchSupport.log;
import static dev.canopy.bench.BenchSupport.spec;

/**
 * What encryption costs: on 1 aggregator + 1 leaf per AG (redundancy 2), with authentication on as the platform
 * runs them, one cluster whose clients and nodes all talk over TLS (the platform's default), one taking clients over TLS
 * with its nodes talking to each other in plain text, and one in plain text, the same closed-loop
 * writes (a MERGE by key) and point reads by {@value SqlPathBench#CLIENTS} clients through the aggregator as in the
 * {@code sql} group. The table is counted and summed after the writes: a row missing fails the benchmark.
 */
final class SecurityBench implements FigureGroup {
    enum Mode {
        TLS(BenchRegion.Security.AUTHENTICATION_AND_TLS), CLIENT_TLS(BenchRegion.Security.AUTHENTICATION_AND_CLIENT_TLS),
        PLAIN(BenchRegion.Security.AUTHENTICATION);

        final BenchRegion.Security security;

        Mode(BenchRegion.Security security) {
            this.security = security;
        }
    }

    private static final List<SqlPathBench.Query> MEASURED = List.of(SqlPathBench.Query.WRITE, SqlPathBench.Query.POINT);

    @Override
    public String name() {
        return "security";
    }

    @Override
    public void run(int run, Path dir, Runs runs) throws Exception {
        // the mode measured first alternates between runs, so that neither always meets the colder machine
        List<Mode> order = new ArrayList<>(List.of(Mode.values()));
        java.util.Collections.rotate(order, run);
        DatabaseClusterSpec spec = spec(1, 1);
        for (Mode mode : order) {
            try (BenchRegion region = new BenchRegion(dir.resolve(mode.name().toLowerCase()), false, mode.security)) {
                long generation = region.apply("bench", spec);
                DatabaseClusterStatus ready = awaitWhole(region, generation);
                String url = ready.endpoints().jdbcUrl();
                if ((mode != Mode.PLAIN) != url.contains("sslMode=require")) {
                    throw new IllegalStateException("the " + mode + " cluster's URL says otherwise: " + url.replaceAll("Password=[^&]*", "Password=..."));
                }
                // as a client of the cluster: the URL the platform prints, the login as properties
                Properties login = region.engine.adminLogin("bench").jdbcProperties();
                SqlPathBench.load(url, login);
                for (SqlPathBench.Query query : MEASURED) {
                    SqlPathBench.Result result = SqlPathBench.measure(url, login, query);
                    String key = key(query, mode);
                    log("%s: %d operations in %.1f s, p99 %.2f ms", key, result.operations(), result.seconds(), result.p99Millis());
                    runs.record(key + "-ops", Math.round(result.operations() / result.seconds()));
                    runs.record(key + "-p99", Math.round(result.p99Millis() * 100) / 100.0);
                }
                SqlPathBench.verifyTable(url, login);
            }
        }
    }

    @Override
    public List<Figure> figures(Runs runs) {
        List<Figure> figures = new ArrayList<>();
        for (SqlPathBench.Query query : MEASURED) {
            String what = query == SqlPathBench.Query.WRITE ? "SQL write (MERGE by key)" : "SQL point read by primary key";
            String shape = ", with authentication (" + SqlPathBench.CLIENTS + " clients, 1 aggregator + 1 leaf per AG)";
            for (Mode mode : List.of(Mode.TLS, Mode.CLIENT_TLS)) {
                String title = what + (mode == Mode.TLS ? " over TLS, clients and nodes" : " over TLS, clients only (nodes in plain text)") + shape;
                figures.add(new Figure(title + ": operations per second", "/s", runs.get(key(query, mode) + "-ops"),
                        "plain text, with authentication", runs.get(key(query, Mode.PLAIN) + "-ops")));
                figures.add(new Figure(title + ": p99", "ms", runs.get(key(query, mode) + "-p99"),
                        "plain text, with authentication", runs.get(key(query, Mode.PLAIN) + "-p99")));
            }
        }
        return figures;
    }

    private static String key(SqlPathBench.Query query, Mode mode) {
        return "security-" + query.name().toLowerCase() + "-" + mode.name().toLowerCase().replace('_', '-');
    }
}

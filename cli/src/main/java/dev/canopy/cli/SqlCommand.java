package dev.canopy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.engine.ignite.Credentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code canopy sql NAME}: a SQL shell (sqlline with Ignite's JDBC driver) on the cluster's aggregators, the cluster
 * found through the API by the name the API shows (the same as {@code canopy clusters sql NAME}).
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Open a SQL shell on a cluster's aggregators, or run one statement with -e.")
final class SqlCommand implements Callable<Integer> {
    static final String DRIVER = "org.apache.ignite.IgniteJdbcThinDriver";

    @ParentCommand
    Main main;

    @Mixin
    ApiOptions options;

    @Parameters(index = "0", description = "The cluster's name.")
    String name;

    @Option(names = {"-e", "--execute"}, description = "Run this statement, print its result and exit.")
    String statement;

    @Override
    public Integer call() throws IOException {
        return onCluster(options, main.dataDir(), name, statement);
    }

    /** The shell, or the statement, on the cluster the API knows by that name. */
    static int onCluster(ApiOptions options, Path dataDir, String name, String statement) throws IOException {
        JsonNode cluster;
        try {
            cluster = options.client(dataDir).call("GET", "/clusters/" + name, null);
        } catch (ApiClient.Failure e) {
            System.err.println("canopy: " + e.getMessage());
            return 1;
        }
        if (!cluster.hasNonNull("jdbcUrl") || cluster.path("status").path("aggregators").path("ready").asInt(0) == 0) {
            System.err.println("canopy: " + name + " has no aggregator serving SQL yet (phase " + cluster.path("phase").asText()
                    + "); `./canopy clusters get " + name + "` shows why");
            return 1;
        }
        String url = cluster.path("jdbcUrl").asText();
        // the cluster's admin secret, which whoever may read the data directory may use: no password to type
        return run(url, LocalAdminLogin.forUrl(dataDir, url).orElse(Credentials.NONE), statement);
    }

    /** Runs the statement if there is one, or else opens the shell on the URL. */
    static int run(String url, Credentials login, String statement) throws IOException {
        if (statement != null) {
            return execute(url, login, statement);
        }
        System.out.println("connecting to " + url + (login.present() ? " as " + login.user() : "") + " (type !quit to leave)");
        sqlline.SqlLine.main(new String[]{"-d", DRIVER, "-u", url, "-n", login.present() ? login.user() : "",
                "-p", login.present() ? login.password() : ""});
        return 0;
    }

    static int execute(String url, Credentials login, String sql) {
        try (Connection connection = DriverManager.getConnection(url, login.jdbcProperties()); Statement st = connection.createStatement()) {
            if (st.execute(sql)) {
                try (ResultSet rs = st.getResultSet()) {
                    printTable(rs);
                }
            } else {
                System.out.println(st.getUpdateCount() + " row(s) affected");
            }
            return 0;
        } catch (SQLException e) {
            System.err.println("canopy: " + e.getMessage());
            return 1;
        }
    }

    private static void printTable(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int columns = meta.getColumnCount();
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[columns];
        int[] widths = new int[columns];
        for (int i = 0; i < columns; i++) {
            header[i] = meta.getColumnLabel(i + 1);
            widths[i] = header[i].length();
        }
        while (rs.next()) {
            String[] row = new String[columns];
            for (int i = 0; i < columns; i++) {
                row[i] = String.valueOf(rs.getObject(i + 1));
                widths[i] = Math.max(widths[i], row[i].length());
            }
            rows.add(row);
        }
        StringBuilder format = new StringBuilder();
        for (int w : widths) {
            format.append("%-").append(w).append("s  ");
        }
        String line = format.toString().stripTrailing() + "%n";
        System.out.printf(line, (Object[]) header);
        for (String[] row : rows) {
            System.out.printf(line, (Object[]) row);
        }
        System.out.println("(" + rows.size() + " row" + (rows.size() == 1 ? "" : "s") + ")");
    }
}

package dev.canopy.cli;

import dev.canopy.region.local.StoredCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code canopy sql NAME}: a SQL shell (sqlline with Ignite's JDBC driver) on the cluster's aggregators. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Open a SQL shell on a cluster's aggregators, or run one statement with -e.")
final class SqlCommand implements Callable<Integer> {
    static final String DRIVER = "org.apache.ignite.IgniteJdbcThinDriver";

    @ParentCommand
    Main main;

    @Parameters(index = "0", description = "The cluster's name.")
    String name;

    @Option(names = {"-e", "--execute"}, description = "Run this statement, print its result and exit.")
    String statement;

    @Override
    public Integer call() throws Exception {
        Optional<StoredCluster> cluster = ClusterCommand.find(Platform.store(main.dataDir()), name);
        if (cluster.isEmpty()) {
            return 1;
        }
        var status = cluster.get().status();
        if (status == null || status.endpoints() == null || status.aggregators() == null || status.aggregators().ready() == 0) {
            System.err.println("canopy: " + name + " has no aggregator serving SQL yet (phase "
                    + (status == null ? "Pending" : status.phase()) + "); `./canopy cluster get " + name + "` shows why");
            return 1;
        }
        return run(status.endpoints().jdbcUrl(), statement);
    }

    /** Runs the statement if there is one, or else opens the shell on the URL. */
    static int run(String url, String statement) throws java.io.IOException {
        if (statement != null) {
            return execute(url, statement);
        }
        System.out.println("connecting to " + url + " (type !quit to leave)");
        sqlline.SqlLine.main(new String[]{"-d", DRIVER, "-u", url, "-n", "", "-p", ""});
        return 0;
    }

    static int execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url); Statement st = connection.createStatement()) {
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

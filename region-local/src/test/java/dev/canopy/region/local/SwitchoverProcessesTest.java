package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.core.ReplicationTarget;
import dev.canopy.core.Switchover.TableDigest;
import dev.canopy.core.Topology;
import dev.canopy.engine.ignite.IgniteEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The engine's side of a blue/green switch on real processes, across engine versions: the tables of a 2.16.0 cluster
 * (a key of one column, a composite key with an affinity column, a transactional table, a secondary index, most SQL
 * types and nulls) are made on a 2.17.0 cluster and their rows copied; the two digests are equal, and differ once a row
 * of the copy changes. The change stream started after the copy then brings updates and deletes made on the source,
 * and the digests are equal again: the rows the copy wrote through SQL and the binary rows the stream puts are the
 * same rows (had they been different keys, the stream's replay of the source's log would have doubled the tables).
 * Finally the source is fenced (read-only: writes fail, reads go on) and unfenced.
 */
class SwitchoverProcessesTest {
    private static final String SOURCE = "blue";
    private static final String TARGET = "green";
    private static final int ACCOUNTS = 3_000;
    private static final int ORDERS = 500;
    private static final int LINES_PER_ORDER = 4;
    private static final int LEDGER = 1_000;
    private static final List<String> TABLES = List.of("PUBLIC.ACCOUNTS", "PUBLIC.LEDGER", "PUBLIC.ORDER_LINES");

    @TempDir
    Path dataDir;
    @RegisterExtension
    final RegionFixtures fixtures = new RegionFixtures();
    private RegionFixture fixture;

    @Test
    void aClusterOfTheLastReleaseIsCopiedIntoOneOfTheNextKeptInStepByTheStreamAndFenced() throws Exception {
        fixture = fixtures.open(dataDir, PlannerPolicy.DEFAULTS);
        // the region's own engine: it logs in with each cluster's admin secret
        IgniteEngine engine = fixture.engine;
        DatabaseClusterSpec sourceSpec = new DatabaseClusterSpec("2.16.0", 2, new AggregatorsSpec(1, 0.25),
                new LeavesSpec(1, 0.5, 1, null), Map.of("cdcWalForceArchiveTimeoutMs", "1000"), false);
        DatabaseClusterSpec targetSpec = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.25),
                new LeavesSpec(1, 0.5, 1, null), Map.of(), false);
        long sourceGeneration = fixture.apply(SOURCE, sourceSpec);
        long targetGeneration = fixture.apply(TARGET, targetSpec);
        String sourceUrl = fixture.awaitPhase(SOURCE, sourceGeneration, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        String targetUrl = fixture.awaitPhase(TARGET, targetGeneration, Phase.Ready, Duration.ofMinutes(3)).endpoints().jdbcUrl();
        Properties sourceLogin = fixture.login(SOURCE);
        Properties targetLogin = fixture.login(TARGET);
        Topology source = new Topology(SOURCE, sourceSpec, fixture.runtime.place(SOURCE, DesiredNodes.all(sourceSpec)));
        Topology target = new Topology(TARGET, targetSpec, fixture.runtime.place(TARGET, DesiredNodes.all(targetSpec)));

        try (Connection sql = DriverManager.getConnection(sourceUrl, sourceLogin); Statement st = sql.createStatement()) {
            st.execute("CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner VARCHAR(64) NOT NULL, balance DECIMAL(14,2),"
                    + " opened TIMESTAMP, birthday DATE, active BOOLEAN, score DOUBLE, token UUID, note VARCHAR)"
                    + " WITH \"template=canopy\"");
            st.execute("CREATE INDEX accounts_owner ON accounts (owner)");
            st.execute("CREATE TABLE order_lines (region VARCHAR, order_id BIGINT, line INT, qty INT, price DECIMAL(10,2),"
                    + " PRIMARY KEY (region, order_id, line)) WITH \"template=canopy,affinity_key=region\"");
            st.execute("CREATE TABLE ledger (id BIGINT PRIMARY KEY, amount DECIMAL(12,2), at TIMESTAMP)"
                    + " WITH \"template=canopy,atomicity=transactional\"");
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < ACCOUNTS; i++) {
                    insert.setLong(1, i);
                    insert.setString(2, "owner-" + i);
                    insert.setBigDecimal(3, i % 7 == 0 ? null : BigDecimal.valueOf(i * 101L, 2));
                    insert.setTimestamp(4, new Timestamp(1_700_000_000_000L + i * 61_001L));
                    insert.setDate(5, Date.valueOf(java.time.LocalDate.of(1950, 1, 1).plusDays(i)));
                    insert.setObject(6, i % 5 == 0 ? null : i % 2 == 0);
                    insert.setDouble(7, i / 3.0);
                    insert.setObject(8, new UUID(i, -i));
                    insert.setString(9, i % 3 == 0 ? null : "note " + i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO order_lines VALUES (?, ?, ?, ?, ?)")) {
                for (int order = 0; order < ORDERS; order++) {
                    for (int line = 0; line < LINES_PER_ORDER; line++) {
                        insert.setString(1, List.of("eu", "us", "ap").get(order % 3));
                        insert.setLong(2, order);
                        insert.setInt(3, line);
                        insert.setInt(4, order + line);
                        insert.setBigDecimal(5, new BigDecimal("9.99").add(BigDecimal.valueOf(line)));
                        insert.addBatch();
                    }
                }
                insert.executeBatch();
            }
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO ledger VALUES (?, ?, ?)")) {
                for (int i = 0; i < LEDGER; i++) {
                    insert.setLong(1, i);
                    insert.setBigDecimal(2, BigDecimal.valueOf(i, 1));
                    insert.setTimestamp(3, new Timestamp(1_600_000_000_000L + i));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }

        // schema: every table made on the target with the source's names; a second copy makes nothing
        assertThat(engine.copySchema(source, target)).containsExactlyInAnyOrderElementsOf(TABLES);
        assertThat(engine.copySchema(source, target)).isEmpty();
        String tablesQuery = "SELECT t.TABLE_NAME, t.CACHE_NAME, t.KEY_TYPE_NAME, t.VALUE_TYPE_NAME, t.AFFINITY_KEY_COLUMN,"
                + " c.ATOMICITY_MODE FROM SYS.TABLES t JOIN SYS.CACHES c ON c.CACHE_NAME = t.CACHE_NAME"
                + " WHERE t.SCHEMA_NAME = 'PUBLIC' ORDER BY t.TABLE_NAME";
        List<String> sourceTables = rows(sourceUrl, sourceLogin, tablesQuery);
        assertThat(rows(targetUrl, targetLogin, tablesQuery)).isEqualTo(sourceTables);
        System.out.println("tables on both: " + sourceTables);
        // the canopy template's backups follow the target's redundancy (2: one backup)
        assertThat(rows(targetUrl, targetLogin, "SELECT CACHE_NAME, BACKUPS FROM SYS.CACHES WHERE CACHE_NAME LIKE 'SQL_PUBLIC_%' ORDER BY CACHE_NAME"))
                .containsExactly("SQL_PUBLIC_ACCOUNTS|1", "SQL_PUBLIC_LEDGER|1", "SQL_PUBLIC_ORDER_LINES|1");
        String columnsQuery = "SELECT TABLE_NAME, COLUMN_NAME, TYPE, PRECISION, SCALE, NULLABLE, PK, AFFINITY_COLUMN FROM SYS.TABLE_COLUMNS"
                + " WHERE SCHEMA_NAME = 'PUBLIC' ORDER BY TABLE_NAME, COLUMN_NAME";
        assertThat(rows(targetUrl, targetLogin, columnsQuery)).isEqualTo(rows(sourceUrl, sourceLogin, columnsQuery));
        String indexesQuery = "SELECT TABLE_NAME, INDEX_NAME, COLUMNS FROM SYS.INDEXES WHERE SCHEMA_NAME = 'PUBLIC' ORDER BY TABLE_NAME, INDEX_NAME";
        assertThat(rows(targetUrl, targetLogin, indexesQuery)).isEqualTo(rows(sourceUrl, sourceLogin, indexesQuery));

        // rows
        long copyStarted = System.nanoTime();
        Map<String, Long> copied = engine.copyRows(source, target);
        double copySeconds = (System.nanoTime() - copyStarted) / 1e9;
        long total = ACCOUNTS + ORDERS * LINES_PER_ORDER + LEDGER;
        System.out.printf("copy: %d rows in %.2f s (%.0f rows/s), 2.16.0 -> 2.17.0 through SQL%n", total, copySeconds, total / copySeconds);
        assertThat(copied).isEqualTo(Map.of("PUBLIC.ACCOUNTS", (long) ACCOUNTS, "PUBLIC.ORDER_LINES", (long) ORDERS * LINES_PER_ORDER,
                "PUBLIC.LEDGER", (long) LEDGER));

        long digestStarted = System.nanoTime();
        Map<String, TableDigest> sourceDigest = engine.digest(source);
        double digestSeconds = (System.nanoTime() - digestStarted) / 1e9;
        System.out.printf("digest of the source: %d rows in %.2f s (%.0f rows/s): %s%n", total, digestSeconds, total / digestSeconds,
                sourceDigest);
        assertThat(sourceDigest.keySet()).containsExactlyInAnyOrderElementsOf(TABLES);
        assertThat(sourceDigest.get("PUBLIC.ACCOUNTS").rows()).isEqualTo(ACCOUNTS);
        assertThat(engine.digest(target)).isEqualTo(sourceDigest);

        // read back by key and through the index
        String byKey = "SELECT owner, balance, opened, birthday, active, score, token, note FROM accounts WHERE id = 42";
        assertThat(rows(targetUrl, targetLogin, byKey)).isEqualTo(rows(sourceUrl, sourceLogin, byKey)).hasSize(1);
        String lineByKey = "SELECT qty, price FROM order_lines WHERE region = 'ap' AND order_id = 17 AND line = 3";
        assertThat(rows(targetUrl, targetLogin, lineByKey)).containsExactly("20|12.99");
        assertThat(rows(targetUrl, targetLogin, "SELECT amount FROM ledger WHERE id = 999")).containsExactly("99.9");
        String byOwner = "SELECT id FROM accounts WHERE owner = 'owner-2999'";
        assertThat(String.join("\n", rows(targetUrl, targetLogin, "EXPLAIN " + byOwner))).contains("ACCOUNTS_OWNER");
        assertThat(rows(targetUrl, targetLogin, byOwner)).containsExactly("2999");

        // a second copy overwrites the same rows (and shows the copy's speed on warm JVMs)
        long againStarted = System.nanoTime();
        assertThat(engine.copyRows(source, target)).isEqualTo(copied);
        double againSeconds = (System.nanoTime() - againStarted) / 1e9;
        System.out.printf("copy again over the same rows: %d rows in %.2f s (%.0f rows/s)%n", total, againSeconds, total / againSeconds);
        assertThat(engine.digest(target)).isEqualTo(sourceDigest);

        // one changed row on the target, and the digests tell
        execute(targetUrl, targetLogin, "UPDATE accounts SET note = 'changed on green' WHERE id = 7");
        Map<String, TableDigest> changed = engine.digest(target);
        assertThat(changed.get("PUBLIC.ACCOUNTS")).isNotEqualTo(sourceDigest.get("PUBLIC.ACCOUNTS"));
        assertThat(changed.get("PUBLIC.ACCOUNTS").rows()).isEqualTo(ACCOUNTS);
        assertThat(changed.get("PUBLIC.LEDGER")).isEqualTo(sourceDigest.get("PUBLIC.LEDGER"));
        execute(targetUrl, targetLogin, "UPDATE accounts SET note = 'note 7' WHERE id = 7");
        assertThat(engine.digest(target)).isEqualTo(sourceDigest);

        // the stream, started after the copy: it replays the source's log from its first segment (the same rows the
        // copy wrote, over them) and then the changes below
        List<String> targetAddresses = target.aggregators().stream().map(NodePlacement::sqlAddress).toList();
        fixture.region.replicate(SOURCE, new ReplicationTarget(TARGET, targetAddresses));
        await("a capture beside each source leaf").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> fixture.region.replicationState(SOURCE), state -> state.equals(Optional.of("streaming to green from 2 of 2 leaves")));
        execute(sourceUrl, sourceLogin, "UPDATE accounts SET balance = balance + 1, note = NULL WHERE id < 200");
        execute(sourceUrl, sourceLogin, "DELETE FROM accounts WHERE id >= 2900");
        execute(sourceUrl, sourceLogin, "UPDATE order_lines SET qty = qty * 2 WHERE region = 'eu'");
        execute(sourceUrl, sourceLogin, "DELETE FROM order_lines WHERE line = 0 AND region = 'us'");
        execute(sourceUrl, sourceLogin, "INSERT INTO ledger VALUES (5000, 1.25, CURRENT_TIMESTAMP())");
        execute(sourceUrl, sourceLogin, "UPDATE ledger SET amount = amount * 3 WHERE id < 100");
        Map<String, TableDigest> changedSource = engine.digest(source);
        assertThat(changedSource).isNotEqualTo(sourceDigest);
        long streamStarted = System.nanoTime();
        Map<String, TableDigest> streamed = await("the target's digests equal the source's again").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1)).until(() -> engine.digest(target), changedSource::equals);
        System.out.printf("stream: the target's digests equal the changed source's %.1f s after the captures started: %s%n",
                (System.nanoTime() - streamStarted) / 1e9, streamed);
        assertThat(streamed.get("PUBLIC.ACCOUNTS").rows()).isEqualTo(ACCOUNTS - 100);

        // fence: the source refuses writes itself, reads go on
        engine.fence(source);
        engine.fence(source);
        assertThat(engine.fenced(source)).isTrue();
        assertThatThrownBy(() -> execute(sourceUrl, sourceLogin, "INSERT INTO ledger VALUES (6000, 1, CURRENT_TIMESTAMP())"))
                .isInstanceOf(SQLException.class).satisfies(e -> System.out.println("write to a fenced cluster: " + e.getMessage()))
                .hasMessageContaining("read-only");
        assertThat(rows(sourceUrl, sourceLogin, "SELECT COUNT(*) FROM ledger")).containsExactly(String.valueOf(LEDGER + 1));
        assertThat(engine.fenced(target)).isFalse();
        engine.unfence(source);
        engine.unfence(source);
        assertThat(engine.fenced(source)).isFalse();
        execute(sourceUrl, sourceLogin, "INSERT INTO ledger VALUES (6000, 1, CURRENT_TIMESTAMP())");
        assertThat(rows(sourceUrl, sourceLogin, "SELECT COUNT(*) FROM ledger")).containsExactly(String.valueOf(LEDGER + 2));
    }

    private static void execute(String url, Properties login, String statement) throws SQLException {
        try (Connection sql = DriverManager.getConnection(url, login); Statement st = sql.createStatement()) {
            st.execute(statement);
        }
    }

    /** Every row of a query, its columns joined by {@code |}. */
    private static List<String> rows(String url, Properties login, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection sql = DriverManager.getConnection(url, login); Statement st = sql.createStatement(); ResultSet rs = st.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(String.valueOf(rs.getObject(i)));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }
}

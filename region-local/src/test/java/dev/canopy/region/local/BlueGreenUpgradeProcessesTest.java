package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.api.UpgradeStatus;
import dev.canopy.core.BlueGreen;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.workload.PhaseStats;
import dev.canopy.workload.Verification;
import dev.canopy.workload.Workload;
import dev.canopy.workload.WorkloadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An engine upgrade 2.16.0 → 2.17.0 without downtime, on real processes, under a continuous writer and reader: blue
 * (2.16.0, no capture declared) keeps serving while green (2.17.0) is built beside it, filled with a copy of blue's rows
 * and fed its changes by a CDC process beside each of blue's leaves; blue is fenced, green catches up (every table's
 * rows and checksum equal), the cluster's endpoint (blue's aggregator's port) forwards to green's aggregator, blue is
 * retired. Every acknowledged write must be
 * on the upgraded cluster, the rows written before capture was turned on too; the client keeps its JDBC URL. Prints the
 * write pause (the status's, from the fence to green serving) and the longest error window a client saw.
 */
class BlueGreenUpgradeProcessesTest {
    private static final String CLUSTER = "bg";
    private static final int ACCOUNTS = 500;

    @TempDir
    Path dataDir;
    @RegisterExtension
    final RegionFixtures fixtures = new RegionFixtures();
    private RegionFixture fixture;

    private static DatabaseClusterSpec spec(String release) {
        return new DatabaseClusterSpec(release, 2, new AggregatorsSpec(1, 0.25), new LeavesSpec(1, 0.5, 1, null), Map.of(), false);
    }

    @Test
    void anEngineUpgradeMovesTheClientsToAGreenClusterWithEveryAcknowledgedWrite() throws Exception {
        // without authentication for now (issue 19): with it (logins asked again after 3 s), one run passed here (410.8 s,
        // write pause 13.19 s) and the CI-clone run of 15da902 did not: green's lag held at 2.4 s against the 2 s the
        // switch waits for, and the upgrade was abandoned after 5 min of streaming (the capture ran without a restart)
        fixture = fixtures.openWithoutAuthentication(dataDir, PlannerPolicy.DEFAULTS);
        long generation = fixture.apply(CLUSTER, spec("2.16.0"));
        DatabaseClusterStatus blue = fixture.awaitPhase(CLUSTER, generation, Phase.Ready, Duration.ofMinutes(3));
        String url = blue.endpoints().jdbcUrl();

        // rows written before capture is on: only the copy brings them
        try (Connection sql = DriverManager.getConnection(url, fixture.login(CLUSTER)); Statement st = sql.createStatement()) {
            st.execute("CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR, balance BIGINT) WITH \"template=canopy\"");
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO accounts VALUES (?, ?, ?)")) {
                for (int i = 0; i < ACCOUNTS; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "owner-" + i);
                    insert.setLong(3, 100L * i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }

        Verification verification;
        PhaseStats upgrade;
        DatabaseClusterStatus green;
        try (Workload load = Workload.start(WorkloadOptions.defaults(url, "bluegreen").withTableOptions("template=canopy")
                .withWriters(2, 40).withReaders(1, 40).withStatementTimeout(Duration.ofSeconds(20))
                .withLogin(fixture.login(CLUSTER)))) {
            fixture.awaitStatus(CLUSTER, "the load runs", s -> load.progress().writesOk() >= 100, Duration.ofMinutes(1));
            System.out.println(load.cut("steady on 2.16.0"));

            long upgraded = fixture.apply(CLUSTER, spec("2.17.0"));
            green = fixture.awaitStatus(CLUSTER, "upgraded blue/green to 2.17.0 (failures so far: " + fixture.failures + ")",
                    s -> s.phase() == Phase.Ready && Objects.equals(s.observedGeneration(), upgraded)
                            && "2.17.0".equals(s.release()) && s.upgrade() != null && !s.upgrade().inProgress(),
                    Duration.ofMinutes(8));
            upgrade = load.cut("blue/green upgrade 2.16.0 -> 2.17.0");
            System.out.println(upgrade);
            verification = load.verify(Duration.ofSeconds(60));
        }
        System.out.println("after the upgrade: " + verification.summary());

        UpgradeStatus record = green.upgrade();
        List<String> steps = new ArrayList<>();
        fixture.statuses.stream().map(DatabaseClusterStatus::upgrade).filter(Objects::nonNull).map(UpgradeStatus::step)
                .filter(Objects::nonNull).forEach(step -> {
                    if (steps.isEmpty() || !steps.get(steps.size() - 1).equals(step)) {
                        steps.add(step);
                    }
                });
        System.out.printf("blue/green upgrade 2.16.0 -> 2.17.0: steps %s; write pause %.2f s by the status; longest error"
                        + " window a client saw %d ms; %d writes and %d reads failed during it%n", steps,
                record.writePauseSeconds(), upgrade.longestErrorWindow().toMillis(), upgrade.writesFailed(), upgrade.readsFailed());

        assertThat(record.strategy()).isEqualTo(UpgradeStatus.BLUE_GREEN);
        assertThat(record.step()).isEqualTo(BlueGreen.DONE);
        assertThat(record.fromRelease()).isEqualTo("2.16.0");
        // green is provisioned while blue turns capture on, and may be Ready before blue is: its own step can be skipped
        assertThat(steps).as("the steps shown in status, in order").containsSubsequence(BlueGreen.CAPTURING,
                BlueGreen.COPYING, BlueGreen.STREAMING, BlueGreen.FENCED, BlueGreen.SWITCHING, BlueGreen.DONE);
        assertThat(record.writePauseSeconds()).isNotNull().isLessThan(60.0);
        assertThat(green.endpoints().jdbcUrl()).as("clients keep their URL").isEqualTo(url);
        assertThat(upgrade.readsLost()).isZero();
        assertThat(verification.missingIds()).as("acknowledged writes missing after the upgrade").isEmpty();
        assertThat(verification.acknowledged()).isGreaterThan(100);

        // the upgraded cluster runs 2.17.0 under the other deployment; blue's nodes and storage are gone
        String deployment = fixture.store.deployment(CLUSTER);
        assertThat(deployment).isEqualTo(CLUSTER + ".b");
        assertThat(fixture.runtime.observe(deployment)).isNotEmpty()
                .allSatisfy(node -> assertThat(node.release()).as(node.node().name()).isEqualTo("2.17.0"));
        assertThat(fixture.runtime.observe(CLUSTER)).as("blue's nodes").isEmpty();
        assertThat(fixture.runtime.clusterDirectory(CLUSTER).resolve("nodes")).doesNotExist();

        // green was taken over with blue's admin login (one per cluster): the same login works after the switch
        try (Connection sql = DriverManager.getConnection(url, fixture.login(CLUSTER)); Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(balance) FROM accounts")) {
            rs.next();
            assertThat(rs.getLong(1)).as("rows written before capture was on").isEqualTo(ACCOUNTS);
            assertThat(rs.getLong(2)).isEqualTo(100L * ACCOUNTS * (ACCOUNTS - 1) / 2);
        }
    }
}

package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.ClusterManifest;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.core.Step;
import dev.canopy.runtime.local.LocalRuntime;
import dev.canopy.runtime.local.ReleaseCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The local region on real processes: a cluster applied through the store comes up, answers SQL and is deleted. */
class LocalRegionProcessesTest {
    private static final String CLUSTER = "region-itest";
    private static final DatabaseClusterSpec SPEC = new DatabaseClusterSpec("2.17.0", 1,
            new AggregatorsSpec(1, 0.25), new LeavesSpec(1, 0.25, 1, null), Map.of(), false);

    @TempDir
    Path dataDir;
    @RegisterExtension
    final RegionFixtures fixtures = new RegionFixtures();
    private RegionFixture fixture;
    private ClusterStore store;
    private LocalRuntime runtime;
    private List<Step> steps;

    @BeforeEach
    void startRegion() {
        fixture = fixtures.open(dataDir, PlannerPolicy.DEFAULTS);
        store = fixture.store;
        runtime = fixture.runtime;
        steps = fixture.steps;
    }

    @Test
    void appliedClusterBecomesReadyAnswersSqlAndIsDeletedWithItsProcesses() throws Exception {
        long started = System.nanoTime();
        assertThat(ReleaseCatalog.fromSystemProperties().available()).as("installed releases").contains("2.17.0");
        ClusterStore.Applied applied = store.apply(new ClusterManifest(CLUSTER, SPEC), ReleaseCatalog.fromSystemProperties().available());
        assertThat(applied).isEqualTo(new ClusterStore.Applied(ClusterStore.Outcome.CREATED, 1));

        await("cluster Ready at generation 1 (failures so far: " + fixture.failures + ")")
                .atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> store.get(CLUSTER).map(StoredCluster::status).orElse(null),
                        s -> s != null && s.phase() == Phase.Ready && Objects.equals(s.observedGeneration(), 1L));
        DatabaseClusterStatus ready = store.get(CLUSTER).orElseThrow().status();
        System.out.printf("cluster Ready after %d s%n", Duration.ofNanos(System.nanoTime() - started).toSeconds());
        assertThat(ready.leaves().ready()).isEqualTo(2);
        assertThat(ready.aggregators().ready()).isEqualTo(1);
        assertThat(ready.release()).isEqualTo("2.17.0");

        // the provisioning order: one leaf, the others, then activation, then the aggregator
        assertThat(steps).as("steps").filteredOn(Step.StartNodes.class::isInstance).map(s -> ((Step.StartNodes) s).nodes())
                .first().isEqualTo(List.of(NodeId.leaf(1, 0)));
        int leavesStarted = indexOf(s -> s instanceof Step.StartNodes start && start.nodes().equals(List.of(NodeId.leaf(2, 0))));
        int activated = indexOf(s -> s instanceof Step.Activate);
        int aggregatorStarted = indexOf(s -> s instanceof Step.StartNodes start && start.nodes().contains(NodeId.aggregator(0)));
        assertThat(leavesStarted).as("steps: %s", steps).isNotNegative();
        assertThat(activated).as("steps: %s", steps).isGreaterThan(leavesStarted);
        assertThat(aggregatorStarted).as("steps: %s", steps).isGreaterThan(activated);

        String jdbcUrl = ready.endpoints().jdbcUrl();
        assertThat(jdbcUrl).startsWith("jdbc:ignite:thin://127.0.0.1:");
        try (Connection sql = DriverManager.getConnection(jdbcUrl, fixture.login(CLUSTER));
             Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }

        List<Long> pids = new ArrayList<>();
        for (NodeId node : DesiredNodes.all(SPEC)) {
            pids.add(runtime.pid(CLUSTER, node).orElseThrow(() -> new AssertionError("no process for " + node)));
        }
        assertThat(pids).hasSize(3).allSatisfy(pid -> assertThat(alive(pid)).as("process %d alive", pid).isTrue());
        Path clusterDir = store.clusterDir(CLUSTER);
        assertThat(clusterDir).isDirectory();

        assertThat(store.markDeleting(CLUSTER)).isTrue();
        await("cluster deleted with its directory and processes")
                .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> store.get(CLUSTER).isEmpty() && !Files.exists(clusterDir) && pids.stream().noneMatch(LocalRegionProcessesTest::alive));
        assertThat(fixture.deleted).contains(CLUSTER);
        assertThat(store.list()).isEmpty();
        System.out.printf("LocalRegionProcessesTest took %d s%n", Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    private int indexOf(Predicate<Step> which) {
        for (int i = 0; i < steps.size(); i++) {
            if (which.test(steps.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean alive(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.map(ProcessHandle::isAlive).orElse(false);
    }
}

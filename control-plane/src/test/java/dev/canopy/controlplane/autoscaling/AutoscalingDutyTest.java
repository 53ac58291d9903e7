package dev.canopy.controlplane.autoscaling;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.AutoscalingSpec;
import dev.canopy.api.ComputeAutoscaling;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.StorageAutoscaling;
import dev.canopy.controlplane.auth.Principal;
import dev.canopy.controlplane.clusters.AutoscalerChange;
import dev.canopy.controlplane.clusters.ClusterService;
import dev.canopy.controlplane.clusters.CreateClusterRequest;
import dev.canopy.controlplane.clusters.IfMatch;
import dev.canopy.controlplane.clusters.ResizeRequest;
import dev.canopy.controlplane.organizations.OrganizationService;
import dev.canopy.controlplane.problem.ProblemException;
import dev.canopy.controlplane.progress.ProgressWatcher;
import dev.canopy.controlplane.region.FakeRegion;
import dev.canopy.controlplane.region.RegionStatusCache;
import dev.canopy.controlplane.region.Regions;
import dev.canopy.controlplane.store.ClusterEvent;
import dev.canopy.controlplane.store.ClusterRecord;
import dev.canopy.controlplane.store.ControlPlaneStore;
import dev.canopy.controlplane.store.Operation;
import dev.canopy.controlplane.store.Role;
import dev.canopy.controlplane.store.TestDatabases;
import dev.canopy.controlplane.telemetry.ClusterSample;
import dev.canopy.controlplane.telemetry.NodeSample;
import dev.canopy.controlplane.telemetry.TelemetryHistory;
import dev.canopy.core.autoscaling.AutoscalingDecision;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The autoscaler's decisions made as changes, on the H2 store and a region in memory, the samples fed one by one at
 * times the test chooses: what a decision is made at is the sample's time, never the machine's clock.
 */
class AutoscalingDutyTest {
    private static final String ORG = OrganizationService.PLATFORM;
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    /** Long before the samples: no cool-down left from taking the lease, and a cluster running for an hour. */
    private static final Instant HELD_SINCE = T0.minus(Duration.ofHours(1));
    private static final Duration EVERY = Duration.ofSeconds(30);
    private static final AutoscalingSpec COMPUTE = new AutoscalingSpec(null,
            new ComputeAutoscaling(2, 4, 70, null, null, "5m", "30m", "10m", null), null);
    private static final AutoscalingSpec IDLE = new AutoscalingSpec(null, null, "60s");

    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    private final Principal admin = new Principal(ORG, "test-key", Role.admin);
    private ControlPlaneStore store;
    private FakeRegion region;
    private Regions regions;
    private RegionStatusCache statuses;
    private ClusterService clusters;
    private AutoscalingDuty duty;

    @BeforeEach
    void start() {
        store = TestDatabases.H2.open();
        region = new FakeRegion("local", List.of("2.17.0"));
        regions = new Regions(List.of(region));
        statuses = new RegionStatusCache(regions, clock, Duration.ofSeconds(10), Duration.ofSeconds(1)).start();
        new OrganizationService(store, clock).bootstrap();
        clusters = new ClusterService(store, regions, clock, statuses);
        duty = new AutoscalingDuty(clusters, () -> HELD_SINCE);
    }

    @AfterEach
    void stop() {
        statuses.close();
        store.close();
    }

    @Test
    void aLoadThatStaysScalesOutOnceAsAnOperationOfTheAutoscalerWithItsReasonAsAnEvent() {
        ClusterRecord orders = create("orders", COMPUTE, null);
        ready(orders);
        int writesBefore = region.writes();

        Instant at = feed(orders, T0, Duration.ofMinutes(4).plus(EVERY), 0.90);
        assertThat(region.writes()).as("4.5 min above the target: not yet").isEqualTo(writesBefore);
        // the 11th sample makes it 5 min; the ones after it find the change under way and wait
        feed(orders, at, Duration.ofMinutes(3), 0.90);

        assertThat(region.writes()).as("one spec change reached the region").isEqualTo(writesBefore + 1);
        assertThat(inRegion(orders).spec().leaves().count()).isEqualTo(3);
        assertThat(inRegion(orders).spec().autoscaling()).as("the rest of the spec kept").isEqualTo(COMPUTE);
        List<Operation> byAutoscaler = autoscalerOperations("orders");
        assertThat(byAutoscaler).hasSize(1);
        Operation scaleOut = byAutoscaler.get(0);
        assertThat(scaleOut.action()).isEqualTo("scale-out");
        assertThat(scaleOut.outcome()).isEqualTo(Operation.Outcome.accepted);
        assertThat(scaleOut.request()).contains("scaled out leaves 2 → 3 per group: CPU 90% > 70% for 5 min");
        assertThat(scaleOut.generation()).isEqualTo(inRegion(orders).generation());
        List<ClusterEvent> events = autoscalerEvents("orders");
        assertThat(events).extracting(ClusterEvent::type, ClusterEvent::reason, ClusterEvent::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Normal", "AutoscaledOut",
                        "scaled out leaves 2 → 3 per group: CPU 90% > 70% for 5 min"));

        // followed like a user's change: done once the region says it carried the generation out
        try (ProgressWatcher watcher = new ProgressWatcher(store, regions, clock).start(Duration.ofMillis(50))) {
            region.writeStatus(orders.regionName(), status(Phase.Ready, inRegion(orders).generation(), 3));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(autoscalerOperations("orders"))
                    .extracting(Operation::outcome).containsExactly(Operation.Outcome.succeeded));
        }
    }

    @Test
    void aUsersChangeMadeAfterTheDecisionWinsAndTheAutoscalerDecidesAgainFromIt() {
        ClusterRecord orders = create("orders", COMPUTE, null);
        ready(orders);
        Instant at = feed(orders, T0, Duration.ofMinutes(2), 0.90);
        // what the duty would apply after 5 min of that load, decided from what it read now
        ClusterService.Autoscalable read = clusters.autoscalable(ORG, "orders").orElseThrow();
        var spec = read.record().spec();
        AutoscalingDecision scaleOut = new AutoscalingDecision(AutoscalingDecision.Kind.SCALE_OUT,
                spec.withLeaves(new LeavesSpec(3, 0.5, 10, null)), "scaled out leaves 2 → 3 per group: CPU 90% > 70% for 5 min");

        clusters.resize(admin, "orders", IfMatch.etag(read.record().resourceVersion()),
                new ResizeRequest(null, new ResizeRequest.Size(4, null)), null);
        int writesAfterUser = region.writes();
        assertThatThrownBy(() -> clusters.autoscale(new AutoscalerChange(ORG, "orders", read.record().resourceVersion(),
                spec, scaleOut)))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(412));

        assertThat(region.writes()).isEqualTo(writesAfterUser);
        assertThat(inRegion(orders).spec().leaves().count()).as("the user's count").isEqualTo(4);
        assertThat(autoscalerEvents("orders")).isEmpty();
        assertThat(autoscalerOperations("orders")).extracting(Operation::outcome).containsExactly(Operation.Outcome.refused);

        // the user's change of the leaves seen by the duty: a cool-down from it, and the readings before it not counted
        clusters.resize(admin, "orders", null, new ResizeRequest(null, new ResizeRequest.Size(3, null)), null);
        ready(orders);
        int writesBefore = region.writes();
        feed(orders, at, Duration.ofMinutes(9), 0.95);
        assertThat(inRegion(orders).spec().leaves().count()).isEqualTo(3);
        assertThat(region.writes()).isEqualTo(writesBefore);
    }

    @Test
    void aLeafPastTheThresholdGrowsEveryLeafsStorageByTheStepOnce() {
        ClusterRecord orders = create("orders", new AutoscalingSpec(new StorageAutoscaling(null, null, 40), null, null), null);
        long gib = 1L << 30;
        region.writeStatus(orders.regionName(), status(Phase.Ready, inRegion(orders).generation(), 2,
                Map.of("leaf-ag1-0", 7 * gib, "leaf-ag2-0", 8 * gib + gib / 2)));
        int writesBefore = region.writes();

        feed(orders, T0, Duration.ofMinutes(2), 0.10);

        assertThat(region.writes()).isEqualTo(writesBefore + 1);
        assertThat(inRegion(orders).spec().leaves().storageGB()).isEqualTo(15);
        assertAutoscaledOnce("orders", "grow-storage", "StorageGrown",
                "grew leaf storage 10 → 15 GiB: leaf-ag2-0 at 85% > 80%");
    }

    @Test
    void aClusterWithoutAutoscalingIsNeverTouched() {
        ClusterRecord orders = create("orders", null, null);
        ready(orders);
        int writesBefore = region.writes();

        // an hour at full CPU, and no statement at all
        feed(orders, T0, Duration.ofHours(1), 1.0);

        assertThat(region.writes()).isEqualTo(writesBefore);
        assertThat(inRegion(orders).spec()).isEqualTo(orders.spec());
        assertThat(autoscalerOperations("orders")).isEmpty();
        assertThat(autoscalerEvents("orders")).isEmpty();
    }

    @Test
    void anIdleClusterThatFeedsAReplicaIsNotSuspendedAndIsOnceTheReplicaIsGone() {
        ClusterRecord orders = create("orders", IDLE, null);
        ClusterRecord copy = create("copy", null, new ReplicaOfSpec("orders", null));
        ready(orders);
        ready(copy);

        Instant at = feed(orders, T0, Duration.ofMinutes(10), 0.05);
        assertThat(inRegion(orders).spec().isSuspended()).as("idle 70 min, but it feeds copy").isFalse();
        assertThat(autoscalerOperations("orders")).isEmpty();

        clusters.delete(admin, "copy", null, false);
        feed(orders, at, EVERY, 0.05);
        assertThat(inRegion(orders).spec().isSuspended()).isTrue();
        assertAutoscaledOnce("orders", "suspend", "SuspendedIdle",
                "suspended: no statement for 70 min since it started ≥ 60 s");
    }

    @Test
    void aReplicaDecidesNothingWithoutTheLeaseAndWaitsOneCoolDownOnceItTakesIt() {
        ClusterRecord orders = create("orders", COMPUTE, null);
        ready(orders);
        int writesBefore = region.writes();
        AtomicReference<Instant> heldSince = new AtomicReference<>();
        duty = new AutoscalingDuty(clusters, heldSince::get);

        Instant at = feed(orders, T0, Duration.ofMinutes(10), 0.90);
        assertThat(region.writes()).as("the lease lost since the samples were taken").isEqualTo(writesBefore);

        // taken at the next sample: what another replica did meanwhile is not known, the leaves count as just changed
        heldSince.set(at);
        at = feed(orders, at, Duration.ofMinutes(10).minus(EVERY), 0.90);
        assertThat(region.writes()).as("within the cool-down").isEqualTo(writesBefore);
        feed(orders, at, Duration.ZERO, 0.90);
        assertThat(region.writes()).isEqualTo(writesBefore + 1);
        assertThat(autoscalerEvents("orders")).extracting(ClusterEvent::message)
                .containsExactly("scaled out leaves 2 → 3 per group: CPU 90% > 70% for 9 min");
    }

    @Test
    void aClusterNoLongerSampledIsForgotten() {
        ClusterRecord orders = create("orders", COMPUTE, null);
        ClusterRecord invoices = create("invoices", COMPUTE, null);
        feed(orders, T0, Duration.ZERO, 0.5);
        feed(invoices, T0, Duration.ZERO, 0.5);
        assertThat(duty.remembered()).extracting(TelemetryHistory.Key::cluster).containsExactlyInAnyOrder("orders", "invoices");

        // orders deleted (no longer sampled), invoices sampled on
        Instant at = feed(invoices, T0, AutoscalingDuty.FORGET_AFTER.minus(EVERY), 0.5);
        assertThat(duty.remembered()).hasSize(2);
        // looked for at most once per FORGET_AFTER: gone within twice that
        feed(invoices, at, AutoscalingDuty.FORGET_AFTER, 0.5);
        assertThat(duty.remembered()).extracting(TelemetryHistory.Key::cluster).containsExactly("invoices");
    }

    private ClusterRecord create(String name, AutoscalingSpec autoscaling, ReplicaOfSpec replicaOf) {
        clusters.create(admin, new CreateClusterRequest(name, "local", "2.17.0", 2, new AggregatorsSpec(1, 0.5),
                new LeavesSpec(2, 0.5, 10, null), null, null, null, null, replicaOf, null, autoscaling), null, null);
        return store.read(tx -> tx.cluster(ORG, name)).orElseThrow();
    }

    /** The region says the cluster carries its current spec out, every copy in place. */
    private void ready(ClusterRecord cluster) {
        var now = inRegion(cluster);
        region.writeStatus(cluster.regionName(), status(Phase.Ready, now.generation(), now.spec().leaves().count()));
    }

    private static DatabaseClusterStatus status(Phase phase, long generation, int leavesPerGroup) {
        return status(phase, generation, leavesPerGroup, Map.of());
    }

    private static DatabaseClusterStatus status(Phase phase, long generation, int leavesPerGroup, Map<String, Long> storageUsed) {
        String at = T0.minus(Duration.ofHours(2)).toString();
        return new DatabaseClusterStatus(phase, List.of(
                new Condition(Condition.READY, Condition.TRUE, "Ready", "ready", at),
                new Condition(Condition.REDUNDANCY_MET, Condition.TRUE, "Met", "every partition has its copies", at),
                new Condition(Condition.BALANCED, Condition.TRUE, "Balanced", "balanced", at)),
                generation, new NodeCounts(1, 1), new NodeCounts(leavesPerGroup * 2, leavesPerGroup * 2, List.of(), storageUsed),
                "2.17.0", null, null);
    }

    private dev.canopy.controlplane.region.RegionCluster inRegion(ClusterRecord cluster) {
        return region.get(cluster.regionName()).orElseThrow();
    }

    /** Samples every 30 s from {@code from} for {@code lasting}, each given to the duty as the sampler would; the next time. */
    private Instant feed(ClusterRecord cluster, Instant from, Duration lasting, double cpuLoad) {
        Instant at = from;
        for (; !at.isAfter(from.plus(lasting)); at = at.plus(EVERY)) {
            duty.accept(new TelemetryHistory.Key(ORG, cluster.name()), sample(at, cpuLoad));
        }
        return at;
    }

    /** Two leaves and an aggregator at the CPU load given, heap at 40%, no statement. */
    private static ClusterSample sample(Instant at, double cpuLoad) {
        List<NodeSample> nodes = List.of(
                new NodeSample("n1", "leaf-ag1-0", false, cpuLoad, 400, 1000),
                new NodeSample("n2", "leaf-ag2-0", false, cpuLoad, 400, 1000),
                new NodeSample("n3", "aggregator-0", true, 0.01, 100, 1000));
        return new ClusterSample(at, "Ready", 5, 5, true, true, null, 0L, 0.0, cpuLoad, 900L, 3000L, nodes, List.of(),
                List.of(), null);
    }

    /** One operation by the autoscaler, of {@code action}, and one event saying why. */
    private void assertAutoscaledOnce(String cluster, String action, String reason, String message) {
        assertThat(autoscalerOperations(cluster)).extracting(Operation::action).containsExactly(action);
        assertThat(autoscalerEvents(cluster)).extracting(ClusterEvent::reason, ClusterEvent::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(reason, message));
    }

    private List<Operation> autoscalerOperations(String cluster) {
        return store.read(tx -> tx.operations(ORG, cluster, 100)).stream()
                .filter(o -> o.actor().equals(AutoscalerChange.ACTOR)).toList();
    }

    private List<ClusterEvent> autoscalerEvents(String cluster) {
        return store.read(tx -> tx.events(ORG, cluster, 100)).stream()
                .filter(e -> AutoscalerChange.EVENT_REASONS.contains(e.reason())).toList();
    }
}

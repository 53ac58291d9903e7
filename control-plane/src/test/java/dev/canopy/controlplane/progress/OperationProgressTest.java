package dev.canopy.controlplane.progress;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.api.ReplicationStatus;
import dev.canopy.controlplane.region.RegionCluster;
import dev.canopy.controlplane.store.Operation;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class OperationProgressTest {
    private static final DatabaseClusterSpec SPEC = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5),
            new LeavesSpec(2, 0.5, 10, null), null, null);
    private static final Operation RESIZE = Operation.of("acme", "k1", "resize", "orders", "{}", Operation.Outcome.accepted,
            null, Instant.EPOCH).following("local", "acme-orders", 3L);

    private static Optional<RegionCluster> cluster(Phase phase, long observed, String step) {
        return Optional.of(new RegionCluster("acme-orders", 3, SPEC, new DatabaseClusterStatus(phase,
                List.of(new Condition(Condition.PROGRESSING, Condition.TRUE, "Step", step, null)),
                observed, null, null, "2.17.0", null, null), false));
    }

    @Test
    void aChangeEndsOnlyOnceTheRegionReachedItsGenerationAndSettled() {
        assertThat(OperationProgress.ending(RESIZE, cluster(Phase.Ready, 2, "nothing to do"))).isEmpty();
        assertThat(OperationProgress.ending(RESIZE, cluster(Phase.Scaling, 3, "starting leaf-ag1-2"))).isEmpty();
        assertThat(OperationProgress.ending(RESIZE, cluster(Phase.Ready, 3, "nothing to do")))
                .contains(new OperationProgress.Ending(Operation.Outcome.succeeded, "Ready at generation 3"));
        assertThat(OperationProgress.ending(RESIZE, cluster(Phase.Failed, 3, "leaf-ag1-2 did not start")))
                .contains(new OperationProgress.Ending(Operation.Outcome.failed, "leaf-ag1-2 did not start"));
        assertThat(OperationProgress.ending(RESIZE, Optional.empty())).hasValueSatisfying(e ->
                assertThat(e.outcome()).isEqualTo(Operation.Outcome.failed));
    }

    @Test
    void aChangeCarriedOutBeforeTheClusterWasDeletedSucceeded() {
        RegionCluster ready = cluster(Phase.Ready, 3, "nothing to do").orElseThrow();
        RegionCluster deleting = new RegionCluster(ready.name(), 3, SPEC, ready.status(), true);
        assertThat(OperationProgress.ending(RESIZE, Optional.of(deleting))).hasValueSatisfying(e ->
                assertThat(e.outcome()).isEqualTo(Operation.Outcome.succeeded));
        assertThat(OperationProgress.endingBeforeDelete(RESIZE, Optional.of(ready)).outcome()).isEqualTo(Operation.Outcome.succeeded);
        assertThat(OperationProgress.endingBeforeDelete(RESIZE, cluster(Phase.Scaling, 3, "starting leaf-ag1-2")).outcome())
                .isEqualTo(Operation.Outcome.failed);
    }

    @Test
    void aDeleteEndsWhenTheRegionNoLongerHoldsTheCluster() {
        Operation delete = Operation.of("acme", "k1", "delete", "orders", null, Operation.Outcome.accepted, null, Instant.EPOCH)
                .following("local", "acme-orders", null);
        assertThat(OperationProgress.ending(delete, cluster(Phase.Ready, 3, "nothing to do"))).isEmpty();
        assertThat(OperationProgress.ending(delete, Optional.empty())).hasValueSatisfying(e ->
                assertThat(e.outcome()).isEqualTo(Operation.Outcome.succeeded));
    }

    @Test
    void aPromotionEndsWhenTheRegionSaysPromotedNotAtTheFirstReady() {
        Operation promote = Operation.of("acme", "k1", "promote", "copy", null, Operation.Outcome.accepted, null, Instant.EPOCH)
                .following("local", "acme-copy", 3L);
        DatabaseClusterStatus ready = cluster(Phase.Ready, 3, "promoting").orElseThrow().status();
        ReplicationStatus promoting = new ReplicationStatus("local/acme-orders", "Promoting: fencing", 0.8, 10L, null, null, true);
        assertThat(OperationProgress.ending(promote, Optional.of(new RegionCluster("acme-copy", 3, SPEC,
                ready.withReplication(promoting), false)))).isEmpty();
        ReplicationStatus promoted = new ReplicationStatus("local/acme-orders", "Promoted", null, 10L, "2026-12-03T06:00:00Z", 2.5, false);
        assertThat(OperationProgress.ending(promote, Optional.of(new RegionCluster("acme-copy", 3, SPEC,
                ready.withReplication(promoted), false)))).contains(new OperationProgress.Ending(Operation.Outcome.succeeded,
                "promoted at 2026-12-03T06:00:00Z, lag at promotion 2.5 s, source not fenced"));
        // a region that reports no replication ends it as any change
        assertThat(OperationProgress.ending(promote, Optional.of(new RegionCluster("acme-copy", 3, SPEC, ready, false))))
                .contains(new OperationProgress.Ending(Operation.Outcome.succeeded, "Ready at generation 3"));
        assertThat(OperationProgress.ending(promote, cluster(Phase.Failed, 3, "green did not start")))
                .contains(new OperationProgress.Ending(Operation.Outcome.failed, "green did not start"));
    }

    @Test
    void twoStatusesSayingTheSameMakeOneEvent() {
        var scaling = OperationProgress.eventOf(cluster(Phase.Scaling, 3, "starting leaf-ag1-2").orElseThrow().status());
        assertThat(scaling).isEqualTo(OperationProgress.eventOf(cluster(Phase.Scaling, 4, "starting leaf-ag1-2").orElseThrow().status()));
        assertThat(scaling).isNotEqualTo(OperationProgress.eventOf(cluster(Phase.Scaling, 3, "waiting for leaf-ag1-2 to join").orElseThrow().status()));
        assertThat(OperationProgress.eventOf(null)).isEmpty();
    }
}

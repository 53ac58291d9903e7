package dev.canopy.controlplane.telemetry;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.ReplicationStatus;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SamplesTest {
    private static final Instant T0 = Instant.parse("2026-11-25T02:00:00Z");
    static final DatabaseClusterStatus READY = new DatabaseClusterStatus(Phase.Ready,
            List.of(new Condition(Condition.BALANCED, Condition.TRUE, "Balanced", "", null)), 1L,
            new NodeCounts(1, 2), new NodeCounts(4, 4), "2.17.0", null, null);
    static final EngineReading READING = new EngineReading(
            List.of(new NodeSample("a", "agg-0", true, 0.9, 100, 1000),
                    new NodeSample("l1", "leaf-0", false, 0.2, 300, 1000),
                    new NodeSample("l2", "leaf-1", false, 0.4, 500, 1000)),
            List.of(new TableSample("PUBLIC", "ORDERS", "SQL_PUBLIC_ORDERS", "SQL_PUBLIC_ORDERS", 42L, 8192L)), 100,
            List.of(new QuerySample("SELECT * FROM ORDERS WHERE ID = ?", 100, 0, 1, 12)));

    @Test
    void anUnreachableEngineStillGivesTheStatusPartAndSaysWhy() {
        ClusterSample sample = Samples.of(T0, READY, null, "engine unreachable: refused", null);
        assertThat(sample.reachable()).isFalse();
        assertThat(sample.error()).isEqualTo("engine unreachable: refused");
        assertThat(sample.nodesUp()).isEqualTo(5);
        assertThat(sample.nodesTotal()).isEqualTo(6);
        assertThat(sample.balanced()).isTrue();
        assertThat(sample.phase()).isEqualTo("Ready");
        assertThat(sample.cpuLoad()).isNull();
    }

    @Test
    void aReplicaGivesItsLagUntilItIsPromoted() {
        assertThat(Samples.of(T0, READY, READING, null, null).replicationLagSeconds()).as("no replica").isNull();
        DatabaseClusterStatus fed = READY.withReplication(new ReplicationStatus("local/orders", "Streaming", 0.9, 300L, null, null, null));
        assertThat(Samples.of(T0, fed, null, "down", null).replicationLagSeconds()).isEqualTo(0.9);
        DatabaseClusterStatus promoted = READY.withReplication(new ReplicationStatus("local/orders", "Promoted", null, 300L,
                "2026-12-03T07:00:00Z", 1.2, false));
        assertThat(Samples.of(T0, promoted, READING, null, null).replicationLagSeconds()).isNull();
    }

    @Test
    void noStatusYetIsPendingWithNoNodes() {
        ClusterSample sample = Samples.of(T0, null, null, "no SQL endpoint yet", null);
        assertThat(sample.phase()).isEqualTo("Pending");
        assertThat(sample.nodesUp()).isZero();
        assertThat(sample.balanced()).isFalse();
    }

    @Test
    void cpuIsTheLeavesMeanAndHeapTheSumOverAllNodes() {
        ClusterSample sample = Samples.of(T0, READY, READING, null, null);
        assertThat(sample.reachable()).isTrue();
        assertThat(sample.cpuLoad()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(sample.heapUsedBytes()).isEqualTo(900);
        assertThat(sample.heapMaxBytes()).isEqualTo(3000);
        assertThat(sample.tables()).extracting(TableSample::name).containsExactly("ORDERS");
        assertThat(sample.queriesPerSecond()).as("no sample before").isNull();
    }

    @Test
    void queriesPerSecondComeFromTheCountSinceTheSampleBefore() {
        ClusterSample before = Samples.of(T0, READY, READING, null, null);
        EngineReading later = new EngineReading(READING.nodes(), READING.tables(), 150, List.of());
        assertThat(Samples.of(T0.plusSeconds(5), READY, later, null, before).queriesPerSecond()).isEqualTo(10.0);
    }

    @Test
    void aCountThatWentDownGivesNoRate() {
        ClusterSample before = Samples.of(T0, READY, READING, null, null);
        EngineReading restarted = new EngineReading(READING.nodes(), READING.tables(), 3, List.of());
        assertThat(Samples.of(T0.plusSeconds(5), READY, restarted, null, before).queriesPerSecond()).isNull();
        ClusterSample unreachable = Samples.of(T0.plusSeconds(5), READY, null, "down", before);
        assertThat(Samples.of(T0.plusSeconds(10), READY, READING, null, unreachable).queriesPerSecond()).isNull();
    }

    @Test
    void refusedLoginsAreCountedSinceTheSampleBeforeAndNotAcrossARestart() {
        java.time.Instant t0 = java.time.Instant.parse("2026-12-07T10:00:00Z");
        ClusterSample first = Samples.of(t0, null, new EngineReading(java.util.List.of(), java.util.List.of(), 0, java.util.List.of(), 4),
                null, null);
        org.assertj.core.api.Assertions.assertThat(first.refusedLogins()).isEqualTo(4);
        org.assertj.core.api.Assertions.assertThat(first.refusedLoginsSinceLast()).as("no sample before").isNull();
        ClusterSample second = Samples.of(t0.plusSeconds(5), null,
                new EngineReading(java.util.List.of(), java.util.List.of(), 0, java.util.List.of(), 7), null, first);
        org.assertj.core.api.Assertions.assertThat(second.refusedLoginsSinceLast()).isEqualTo(3);
        ClusterSample restarted = Samples.of(t0.plusSeconds(10), null,
                new EngineReading(java.util.List.of(), java.util.List.of(), 0, java.util.List.of(), 1), null, second);
        org.assertj.core.api.Assertions.assertThat(restarted.refusedLoginsSinceLast()).as("a node's count began again").isNull();
    }
}

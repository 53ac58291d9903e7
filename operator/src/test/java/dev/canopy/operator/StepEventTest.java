package dev.canopy.operator;

import dev.canopy.api.DatabaseCluster;
import dev.canopy.core.NodeId;
import dev.canopy.core.Step;
import io.fabric8.kubernetes.api.model.Event;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StepEventTest {

    @Test
    void actingStepsAndFailuresAreRecordedWaitingAndRestingAreNot() {
        assertThat(StepEvent.worthRecording(new Step.StartNodes(List.of(NodeId.leaf(1, 0)), "StartingLeaves", "starting"))).isTrue();
        assertThat(StepEvent.worthRecording(new Step.Failed("ActivateFailed", "no"))).isTrue();
        assertThat(StepEvent.worthRecording(new Step.Wait("LeavesJoining", "waiting"))).isFalse();
        assertThat(StepEvent.worthRecording(new Step.Done("Ready", "ready"))).isFalse();
    }

    @Test
    void anEventNamesTheClusterAndWarnsOfFailuresAndReplacements() {
        DatabaseCluster cluster = new DatabaseCluster();
        cluster.getMetadata().setName("orders");
        cluster.getMetadata().setNamespace("db");
        cluster.getMetadata().setUid("uid-1");
        Event failed = StepEvent.build(cluster, new Step.Failed("ActivateFailed", "activating failed"), Instant.EPOCH, "op-0");
        assertThat(failed.getType()).isEqualTo("Warning");
        assertThat(failed.getInvolvedObject().getKind()).isEqualTo("DatabaseCluster");
        assertThat(failed.getInvolvedObject().getUid()).isEqualTo("uid-1");
        assertThat(failed.getMetadata().getNamespace()).isEqualTo("db");
        assertThat(failed.getReportingInstance()).isEqualTo("op-0");
        Event started = StepEvent.build(cluster, new Step.Activate("Activating", "activating"), Instant.EPOCH, "op-0");
        assertThat(started.getType()).isEqualTo("Normal");
        assertThat(started.getReason()).isEqualTo("Activating");
    }
}

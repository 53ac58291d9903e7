package dev.canopy.operator;

import dev.canopy.api.DatabaseCluster;
import dev.canopy.core.NodeId;
import dev.canopy.api.UpgradeStatus;
import dev.canopy.core.BlueGreen;
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
        assertThat(StepEvent.worthRecording(new Step.Retrying("ActivatingRetrying", "failed (attempt 1), retrying", 1))).isTrue();
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
        assertThat(StepEvent.build(cluster, new Step.Retrying("ActivatingRetrying", "retrying", 1), Instant.EPOCH, "op-0").getType())
                .isEqualTo("Warning");
        assertThat(failed.getInvolvedObject().getKind()).isEqualTo("DatabaseCluster");
        assertThat(failed.getInvolvedObject().getUid()).isEqualTo("uid-1");
        assertThat(failed.getMetadata().getNamespace()).isEqualTo("db");
        assertThat(failed.getReportingInstance()).isEqualTo("op-0");
        Event started = StepEvent.build(cluster, new Step.Activate("Activating", "activating"), Instant.EPOCH, "op-0");
        assertThat(started.getType()).isEqualTo("Normal");
        assertThat(started.getReason()).isEqualTo("Activating");
    }

    private static UpgradeStatus blueGreen(String step) {
        return new UpgradeStatus("2.16.0", "2.17.0", UpgradeStatus.BLUE_GREEN, "2026-12-06T19:33:06Z", null, null, null, null,
                step, step.equals(BlueGreen.DONE) ? 1.752 : null);
    }

    /** Seen on real pods: copying, streaming, fencing blue and switching the clients left no Event at all. */
    @Test
    void eachBlueGreenStepEnteredIsRecordedOnce() {
        assertThat(StepEvent.blueGreenStepEntered(blueGreen(BlueGreen.COPYING), blueGreen(BlueGreen.FENCED))).hasValueSatisfying(step -> {
            assertThat(step.reason()).isEqualTo("BlueGreenFenced");
            assertThat(step.message()).isEqualTo("blue/green upgrade 2.16.0 -> 2.17.0: blue is fenced (read-only): writes pause"
                    + " until green takes the clients");
        });
        assertThat(StepEvent.blueGreenStepEntered(blueGreen(BlueGreen.FENCED), blueGreen(BlueGreen.FENCED))).isEmpty();
        assertThat(StepEvent.blueGreenStepEntered(null, blueGreen(BlueGreen.CAPTURING))).isPresent();
        assertThat(StepEvent.blueGreenStepEntered(blueGreen(BlueGreen.SWITCHING), blueGreen(BlueGreen.DONE)).orElseThrow().message())
                .endsWith("done, writes paused 1.752 s");
        assertThat(StepEvent.blueGreenStepEntered(blueGreen(BlueGreen.STREAMING), blueGreen(BlueGreen.ABANDONED)).orElseThrow())
                .isInstanceOf(Step.Failed.class);
        UpgradeStatus rolling = new UpgradeStatus("2.17.0", "2.17.0", UpgradeStatus.ROLLING_RESTART, "t", null, 4, 1, null, null, null);
        assertThat(StepEvent.blueGreenStepEntered(null, rolling)).isEmpty();
    }
}

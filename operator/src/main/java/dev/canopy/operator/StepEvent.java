package dev.canopy.operator;

import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.UpgradeStatus;
import dev.canopy.core.BlueGreen;
import dev.canopy.core.Step;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;

import java.time.Instant;
import java.util.Optional;

/**
 * The Kubernetes Event of one reconcile step, on the DatabaseCluster, so that {@code kubectl describe} tells its story.
 * Steps that change something, and failures; waiting and resting repeat every few seconds and would drown the rest.
 */
public final class StepEvent {
    public static final String COMPONENT = "canopy-operator";

    private StepEvent() {
    }

    public static boolean worthRecording(Step step) {
        return step.acts() || step instanceof Step.Failed || step instanceof Step.Retrying;
    }

    /**
     * The step a blue/green upgrade entered since the previous status, as a step to record: the pass's own step is the
     * serving deployment's, so copying, streaming, fencing blue and switching the clients would leave no Event.
     */
    public static Optional<Step> blueGreenStepEntered(UpgradeStatus before, UpgradeStatus after) {
        if (after == null || !UpgradeStatus.BLUE_GREEN.equals(after.strategy()) || after.step() == null
                || before != null && after.step().equals(before.step()) && after.startedAt().equals(before.startedAt())) {
            return Optional.empty();
        }
        String upgrade = "blue/green upgrade " + after.fromRelease() + " -> " + after.toRelease() + ": ";
        String what = switch (after.step()) {
            case BlueGreen.CAPTURING -> "blue's leaves restart with change capture on";
            case BlueGreen.PROVISIONING_GREEN -> "green is provisioned at " + after.toRelease();
            case BlueGreen.COPYING -> "blue's tables and rows are copied into green";
            case BlueGreen.STREAMING -> "blue's changes stream to green";
            case BlueGreen.FENCED -> "blue is fenced (read-only): writes pause until green takes the clients";
            case BlueGreen.SWITCHING -> "the clients move to green";
            case BlueGreen.RETIRING -> "blue is retired";
            case BlueGreen.DONE -> "done, writes paused " + after.writePauseSeconds() + " s";
            case BlueGreen.ABANDONED -> "abandoned: blue serves on";
            default -> after.step();
        };
        return Optional.of(BlueGreen.ABANDONED.equals(after.step())
                ? new Step.Failed("BlueGreen" + after.step(), upgrade + what)
                : new Step.Wait("BlueGreen" + after.step(), upgrade + what));
    }

    public static Event build(DatabaseCluster cluster, Step step, Instant now, String reportingInstance) {
        boolean warning = step instanceof Step.Failed || step instanceof Step.Retrying || step instanceof Step.ReplaceNodes;
        String time = now.toString();
        return new EventBuilder()
                .withNewMetadata().withGenerateName(cluster.getMetadata().getName() + "-")
                .withNamespace(cluster.getMetadata().getNamespace()).endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(DatabaseCluster.API_VERSION)
                        .withKind(DatabaseCluster.KIND).withName(cluster.getMetadata().getName())
                        .withNamespace(cluster.getMetadata().getNamespace()).withUid(cluster.getMetadata().getUid())
                        .withResourceVersion(cluster.getMetadata().getResourceVersion()).build())
                .withType(warning ? "Warning" : "Normal")
                .withReason(step.reason())
                .withMessage(step.message().length() > 1000 ? step.message().substring(0, 1000) : step.message())
                .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT).withReportingInstance(reportingInstance)
                .build();
    }
}

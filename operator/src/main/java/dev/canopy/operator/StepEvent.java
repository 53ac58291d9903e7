package dev.canopy.operator;

import dev.canopy.api.DatabaseCluster;
import dev.canopy.core.Step;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;

import java.time.Instant;

/**
 * The Kubernetes Event of one reconcile step, on the DatabaseCluster, so that {@code kubectl describe} tells its story.
 * Steps that change something, and failures; waiting and resting repeat every few seconds and would drown the rest.
 */
public final class StepEvent {
    public static final String COMPONENT = "canopy-operator";

    private StepEvent() {
    }

    public static boolean worthRecording(Step step) {
        return step.acts() || step instanceof Step.Failed;
    }

    public static Event build(DatabaseCluster cluster, Step step, Instant now, String reportingInstance) {
        boolean warning = step instanceof Step.Failed || step instanceof Step.ReplaceNodes;
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

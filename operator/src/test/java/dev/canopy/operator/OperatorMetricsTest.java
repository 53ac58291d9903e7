package dev.canopy.operator;

import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.Phase;
import dev.canopy.core.MonitoringFiles;
import dev.canopy.core.Step;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboards and alert rules name the operator's series as Prometheus sees them. The series are recorded the way a
 * pass records them, on the registry kinds the operator uses (JOSDK's MicrometerMetrics as CanopyOperator configures
 * it, and ReconcileMetrics), and read back from the Prometheus text the operator serves: counters appear only once
 * counted, so each is counted once here.
 */
class OperatorMetricsTest {
    @Test
    void everySeriesOfTheOperatorThatTheDashboardsAndAlertsNameIsExported() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DatabaseCluster orders = new DatabaseCluster();
        orders.setMetadata(new ObjectMetaBuilder().withNamespace("team-a").withName("orders").build());
        Map<String, Object> metadata = Map.of(Constants.RESOURCE_GVK_KEY, new GroupVersionKind("canopy.dev", "v1alpha1", "DatabaseCluster"),
                Constants.CONTROLLER_NAME, "databaseclusterreconciler");
        var josdk = CanopyOperator.josdkMetrics(registry);
        josdk.finishedReconciliation(orders, metadata);
        josdk.failedReconciliation(orders, new IllegalStateException("the API server refused a write"), metadata);
        ReconcileMetrics canopy = new ReconcileMetrics(registry);
        canopy.step(new Step.Activate("Activating", "activating the cluster"));
        canopy.phase("team-a", "orders", Phase.Degraded);

        Set<String> exposed = MonitoringFiles.exposed(registry.scrape());
        Set<String> named = MonitoringFiles.seriesOf("operator");
        assertThat(named).as("the dashboards and alerts name some of the operator's series")
                .contains("canopy_cluster_phase", "operator_sdk_reconciliations_failed_total");
        assertThat(exposed).as("the operator's series the dashboards and alerts name, as its /metrics shows them")
                .containsAll(named);
        assertThat(registry.scrape()).contains("canopy_cluster_phase{cluster=\"orders\",namespace=\"team-a\",phase=\"Degraded\"} 1");
    }
}

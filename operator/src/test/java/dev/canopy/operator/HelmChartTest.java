package dev.canopy.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.canopy.api.DatabaseCluster;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart, rendered and linted by real Helm through helm-java. Whether its RBAC covers what the operator does is
 * checked where the operator runs: {@link OperatorOnMockServerWithoutServerSideApplyTest}.
 */
class HelmChartTest {

    @Test
    void lintsClean() {
        LintResult lint = new Helm(Chart.DIRECTORY).lint().strict().call();
        assertThat(lint.isFailed()).as("helm lint: %s", lint.getMessages()).isFalse();
    }

    @Test
    void watchingEveryNamespaceBindsTheRoleClusterWide() {
        List<JsonNode> docs = Chart.documents(Chart.render(Map.of()));
        assertThat(Chart.ofKind(docs, "ClusterRoleBinding")).hasSize(1);
        assertThat(Chart.ofKind(docs, "ServiceAccount")).hasSize(1);
        assertThat(Chart.ofKind(docs, "Role")).singleElement().satisfies(role ->
                assertThat(role.path("rules").get(0).path("resources").get(0).asText()).isEqualTo("leases"));
        JsonNode deployment = Chart.ofKind(docs, "Deployment").get(0);
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(env(container, "CANOPY_WATCH_NAMESPACES")).isEmpty();
        assertThat(env(container, "CANOPY_LEADER_ELECTION")).isEqualTo("true");
        List<String> names = new java.util.ArrayList<>();
        container.path("env").forEach(e -> names.add(e.path("name").asText()));
        assertThat(OperatorSettings.VARIABLES).as("every variable the chart sets is one the operator reads").containsAll(names);
        OperatorSettings settings = OperatorSettings.fromEnvironment(java.util.Map.of(
                "CANOPY_LEASE_SECONDS", env(container, "CANOPY_LEASE_SECONDS"),
                "CANOPY_HTTP_PORT", env(container, "CANOPY_HTTP_PORT")));
        assertThat(settings.leaseDuration()).hasSeconds(15);
        assertThat(settings.httpPort()).isEqualTo(container.path("ports").get(0).path("containerPort").asInt());
        assertThat(env(container, "CANOPY_NODE_IMAGE")).isEqualTo("apacheignite/ignite:{version}");
        assertThat(env(container, "CANOPY_NODE_LIBS_IMAGE")).isEqualTo(container.path("image").asText());
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    }

    @Test
    void watchedNamespacesGetARoleBindingEachAndNoClusterWideBinding() {
        List<JsonNode> docs = Chart.documents(Chart.render(Map.of("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b",
                "leaderElection.enabled", "false", "image.tag", "1.2.3")));
        assertThat(Chart.ofKind(docs, "ClusterRoleBinding")).isEmpty();
        assertThat(Chart.ofKind(docs, "RoleBinding")).extracting(b -> b.path("metadata").path("namespace").asText())
                .containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(Chart.ofKind(docs, "Role")).as("no Lease without leader election").isEmpty();
        JsonNode deployment = Chart.ofKind(docs, "Deployment").get(0);
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(1);
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(env(container, "CANOPY_WATCH_NAMESPACES")).isEqualTo("team-a,team-b");
        assertThat(container.path("image").asText()).endsWith(":1.2.3");
    }

    @Test
    void theChartsCrdIsTheGeneratedOne() throws IOException {
        try (InputStream generated = DatabaseCluster.class.getClassLoader().getResourceAsStream("META-INF/fabric8/" + Chart.CRD_FILE)) {
            assertThat(generated).isNotNull();
            assertThat(Files.readString(Chart.DIRECTORY.resolve("crds").resolve(Chart.CRD_FILE)))
                    .as("the chart's CRD is a copy of api's generated one: copy it again (see the README)")
                    .isEqualTo(new String(generated.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /**
     * deploy/manifests/canopy-operator.yaml is the CRD and the chart rendered with its defaults, for
     * {@code kubectl apply --server-side}. {@code -Dcanopy.manifests.update=true} rewrites it.
     */
    @Test
    void thePlainManifestsAreTheChartRendered() throws IOException {
        String expected = "# Generated from deploy/helm/canopy-operator (release " + Chart.RELEASE + ", namespace "
                + Chart.NAMESPACE + ") by HelmChartTest; do not edit.\n"
                + "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + Chart.NAMESPACE + "\n---\n"
                + Files.readString(Chart.DIRECTORY.resolve("crds").resolve(Chart.CRD_FILE)) + "---\n" + Chart.render(Map.of());
        if (Boolean.getBoolean("canopy.manifests.update")) {
            Files.writeString(Chart.MANIFESTS, expected);
        }
        assertThat(Chart.MANIFESTS).as("regenerate with: ./mvnw -pl operator test -Dtest=HelmChartTest -Dcanopy.manifests.update=true")
                .hasContent(expected);
        assertThat(Chart.ofKind(Chart.documents(expected), "CustomResourceDefinition")).hasSize(1);
    }

    @Test
    void monitoringIsOffByDefaultAsThePrometheusOperatorsKindsMayBeMissing() {
        List<JsonNode> docs = Chart.documents(Chart.render(Map.of()));
        assertThat(Chart.ofKind(docs, "PodMonitor")).isEmpty();
        assertThat(Chart.ofKind(docs, "PrometheusRule")).isEmpty();
    }

    @Test
    void askedForAPodMonitorScrapesTheOperatorsPodsAndThePrometheusRuleHoldsEveryAlert() {
        List<JsonNode> docs = Chart.documents(Chart.render(Map.of("monitoring.podMonitor.enabled", "true",
                "monitoring.podMonitor.labels.release", "kube-prometheus-stack", "monitoring.prometheusRule.enabled", "true",
                "monitoring.prometheusRule.replicaLagSeconds", "120")));
        JsonNode deployment = Chart.ofKind(docs, "Deployment").get(0);
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        JsonNode monitor = Chart.ofKind(docs, "PodMonitor").get(0);
        assertThat(monitor.path("metadata").path("labels").path("release").asText()).isEqualTo("kube-prometheus-stack");
        assertThat(monitor.path("spec").path("selector").path("matchLabels")).isEqualTo(deployment.path("spec").path("selector").path("matchLabels"));
        assertThat(monitor.path("spec").path("namespaceSelector").path("matchNames").get(0).asText()).isEqualTo(Chart.NAMESPACE);
        JsonNode endpoint = monitor.path("spec").path("podMetricsEndpoints").get(0);
        assertThat(endpoint.path("port").asText()).isEqualTo(container.path("ports").get(0).path("name").asText());
        assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
        assertThat(endpoint.path("honorLabels").asBoolean()).as("canopy_cluster_phase's namespace is the cluster's").isTrue();

        JsonNode rule = Chart.ofKind(docs, "PrometheusRule").get(0);
        Map<String, JsonNode> alerts = new java.util.LinkedHashMap<>();
        rule.path("spec").path("groups").forEach(g -> g.path("rules").forEach(r -> alerts.put(r.path("alert").asText(), r)));
        assertThat(alerts).as("issue 23's alerts").containsKeys("CanopyNodeDown", "CanopyRedundancyNotMet", "CanopyRebalanceStalled",
                "CanopyReplicaLagHigh", "CanopyBackupFailed", "CanopyBackupTooOld", "CanopyStorageNearlyFull", "CanopyCertificateExpiring");
        assertThat(alerts.get("CanopyReplicaLagHigh").path("expr").asText()).endsWith("> 120");
        assertThat(alerts.values()).allSatisfy(alert -> {
            assertThat(alert.path("labels").path("severity").asText()).isIn("warning", "critical");
            assertThat(alert.path("annotations").path("summary").asText()).isNotBlank().doesNotContain("<no value>");
            assertThat(alert.path("annotations").path("description").asText()).isNotBlank();
        });
        assertThat(alerts.get("CanopyNodeDown").path("annotations").path("summary").asText())
                .as("Prometheus' own templates are left to Prometheus").contains("{{ $labels.cluster }}");
    }

    /**
     * deploy/monitoring/canopy-alerts.yaml is the chart's PrometheusRule rendered with its defaults, as a Prometheus rule
     * file (for a Prometheus without the Prometheus Operator). {@code -Dcanopy.manifests.update=true} rewrites it.
     */
    @Test
    void thePlainAlertRulesAreTheChartsRendered() throws IOException {
        JsonNode rule = Chart.ofKind(Chart.documents(Chart.render(Map.of("monitoring.prometheusRule.enabled", "true"))),
                "PrometheusRule").get(0);
        com.fasterxml.jackson.dataformat.yaml.YAMLMapper yaml = com.fasterxml.jackson.dataformat.yaml.YAMLMapper.builder()
                .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.SPLIT_LINES)
                .build();
        String expected = "# Generated from deploy/helm/canopy-operator (templates/prometheusrule.yaml, default values) by HelmChartTest;\n"
                + "# do not edit. Load it with Prometheus' rule_files; docs/monitoring.md says what each alert means.\n"
                + yaml.writeValueAsString(Map.of("groups", rule.path("spec").path("groups")));
        java.nio.file.Path plain = dev.canopy.core.MonitoringFiles.RULES;
        if (Boolean.getBoolean("canopy.manifests.update")) {
            Files.writeString(plain, expected);
        }
        assertThat(plain).as("regenerate with: ./mvnw -pl operator test -Dtest=HelmChartTest -Dcanopy.manifests.update=true")
                .hasContent(expected);
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return env.path("value").asText();
            }
        }
        throw new AssertionError("no " + name + " in " + container.path("env"));
    }

}

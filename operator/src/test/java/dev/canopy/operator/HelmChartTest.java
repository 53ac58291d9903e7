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

    private static String env(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return env.path("value").asText();
            }
        }
        throw new AssertionError("no " + name + " in " + container.path("env"));
    }

}

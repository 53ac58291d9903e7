package dev.canopy.operator;

import dev.canopy.runtime.kubernetes.RuntimeSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OperatorSettingsTest {

    @Test
    void defaultsWatchEveryNamespaceElectALeaderAndRunTheOfficialImage() {
        OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of());
        assertThat(settings.watchNamespaces()).isEmpty();
        assertThat(settings.leaderElection()).isTrue();
        assertThat(settings.httpPort()).isEqualTo(8080);
        assertThat(settings.httpAddress().isAnyLocalAddress()).as("every interface, for the kubelet's probes").isTrue();
        assertThat(settings.kubeContext()).isNull();
        assertThat(settings.leaseDuration()).hasSeconds(15);
        assertThat(settings.exitWhenNoLongerLeader()).isTrue();
        assertThat(settings.runtime()).isEqualTo(RuntimeSettings.defaults());
        assertThat(settings.runtime().imageOf("2.17.0")).isEqualTo("apacheignite/ignite:2.17.0");
    }

    @Test
    void readsWhatTheChartSets() {
        OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of(
                "CANOPY_WATCH_NAMESPACES", " team-a, ,team-b ", "CANOPY_LEADER_ELECTION", "false", "POD_NAMESPACE", "canopy-system",
                "CANOPY_NODE_IMAGE", "registry.local/ignite:{version}-jdk17", "CANOPY_NODE_LIBS_IMAGE", "canopy/operator:0.1.0",
                "CANOPY_HTTP_PORT", "9090", "POD_NAME", "canopy-operator-7f9c-x2"));
        assertThat(settings.identity()).isEqualTo("canopy-operator-7f9c-x2");
        assertThat(settings.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(settings.leaderElection()).isFalse();
        assertThat(settings.leaseNamespace()).isEqualTo("canopy-system");
        assertThat(settings.httpPort()).isEqualTo(9090);
        assertThat(settings.runtime().imageOf("2.16.0")).isEqualTo("registry.local/ignite:2.16.0-jdk17");
        assertThat(settings.runtime().nodeLibsImage()).isEqualTo("canopy/operator:0.1.0");
        assertThat(settings.runtime().serverSideApply()).isTrue();
    }

    @Test
    void readsWhatCanopyOperatorSetsOutsideACluster() {
        OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of(
                "CANOPY_HTTP_ADDRESS", "127.0.0.1", "CANOPY_HTTP_PORT", "8081", "CANOPY_KUBE_CONTEXT", " kind-dev "));
        assertThat(settings.httpAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(settings.httpAddress().isLoopbackAddress()).isTrue();
        assertThat(settings.httpPort()).isEqualTo(8081);
        assertThat(settings.kubeContext()).isEqualTo("kind-dev");
        assertThat(OperatorSettings.VARIABLES).contains("CANOPY_HTTP_ADDRESS", "CANOPY_KUBE_CONTEXT");
    }

    @Test
    void aBadAddressOrPortIsRefusedNamingItsVariable() {
        assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("CANOPY_HTTP_ADDRESS", "127.0.0.1:8081")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CANOPY_HTTP_ADDRESS").hasMessageContaining("'127.0.0.1:8081'");
        assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("CANOPY_HTTP_ADDRESS", " ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CANOPY_HTTP_ADDRESS is empty");
        assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("CANOPY_HTTP_PORT", "http")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CANOPY_HTTP_PORT").hasMessageContaining("'http'");
        assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("CANOPY_HTTP_PORT", "70000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CANOPY_HTTP_PORT");
    }
}

package dev.canopy.controlplane.telemetry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IgniteEngineProbeTest {
    @Test
    void theThinClientAsksTheAggregatorsOfTheJdbcUrl() {
        assertThat(IgniteEngineProbe.addresses("jdbc:ignite:thin://10.0.0.1:10800,10.0.0.2:10801"))
                .containsExactly("10.0.0.1:10800", "10.0.0.2:10801");
        assertThat(IgniteEngineProbe.addresses("jdbc:ignite:thin://h:1/PUBLIC?distributedJoins=true")).containsExactly("h:1");
        assertThatThrownBy(() -> IgniteEngineProbe.addresses("jdbc:h2:mem:x")).hasMessageContaining("not an Ignite thin JDBC URL");
    }
}

package dev.canopy.runtime.kubernetes;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeProbesTest {

    @Test
    void theRestModuleIsAddedOnceToTheOperatorsOwnModules() {
        assertThat(NodeProbes.optionLibs("")).isEqualTo("ignite-rest-http");
        assertThat(NodeProbes.optionLibs(" ignite-log4j2 , ignite-rest-http")).isEqualTo("ignite-log4j2,ignite-rest-http");
        assertThat(NodeProbes.optionLibs("ignite-aws")).isEqualTo("ignite-aws,ignite-rest-http");
    }
}

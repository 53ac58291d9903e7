package dev.canopy.runtime.kubernetes;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeProbesTest {

    /** A client node (an aggregator) never listens on the discovery port: a probe there fails forever. */
    @Test
    void anAggregatorIsAliveWhileItsSqlListenerAnswersALeafWhileItsDiscoveryListenerDoes() {
        assertThat(NodeProbes.liveness(NodeGroup.AGGREGATORS).getTcpSocket().getPort().getIntVal()).isEqualTo(Ports.SQL);
        assertThat(NodeProbes.liveness(NodeGroup.LEAVES_AG1).getTcpSocket().getPort().getIntVal()).isEqualTo(Ports.DISCOVERY);
        assertThat(NodeProbes.liveness(NodeGroup.LEAVES_AG2).getTcpSocket().getPort().getIntVal()).isEqualTo(Ports.DISCOVERY);
    }

    @Test
    void theRestModuleIsAddedOnceToTheOperatorsOwnModules() {
        assertThat(NodeProbes.optionLibs("")).isEqualTo("ignite-rest-http");
        assertThat(NodeProbes.optionLibs(" ignite-log4j2 , ignite-rest-http")).isEqualTo("ignite-log4j2,ignite-rest-http");
        assertThat(NodeProbes.optionLibs("ignite-aws")).isEqualTo("ignite-aws,ignite-rest-http");
    }
}

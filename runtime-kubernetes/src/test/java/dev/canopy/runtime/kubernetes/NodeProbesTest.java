package dev.canopy.runtime.kubernetes;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeProbesTest {

    /** A client node (an aggregator) never listens on the discovery port: a probe there fails forever. */
    @Test
    void anAggregatorIsAliveWhileItsSqlListenerIsOpenALeafWhileItsDiscoveryListenerIs() {
        assertThat(NodeProbes.liveness(NodeGroup.AGGREGATORS).getExec().getCommand()).isEqualTo(NodeProbes.listening(10800));
        assertThat(NodeProbes.liveness(NodeGroup.LEAVES_AG1).getExec().getCommand()).isEqualTo(NodeProbes.listening(47500));
        assertThat(NodeProbes.liveness(NodeGroup.LEAVES_AG2).getExec().getCommand()).isEqualTo(NodeProbes.listening(47500));
    }

    /** The kernel writes ports in hexadecimal: 47500 is B98C, 10800 is 2A30 (checked in the lab's pods with kubectl exec). */
    @Test
    void theListenerIsLookedUpInTheKernelsTableNotConnectedTo() {
        assertThat(NodeProbes.listening(47500)).containsExactly("sh", "-c",
                "grep -qi ':B98C [0-9a-f]*:0000 0A' /proc/net/tcp /proc/net/tcp6");
        assertThat(String.join(" ", NodeProbes.listening(10800))).contains(":2A30 ");
        java.util.regex.Pattern line = java.util.regex.Pattern.compile(":B98C [0-9a-f]*:0000 0A", java.util.regex.Pattern.CASE_INSENSITIVE);
        assertThat(line.matcher("   1: 00000000000000000000000000000000:B98C 00000000000000000000000000000000:0000 0A 00000000").find()).isTrue();
        assertThat(line.matcher("   2: 0100007F:B98C 0100007F:D2F4 01 00000000").find()).as("a connection, not a listener").isFalse();
    }

    @Test
    void theRestModuleIsAddedOnceToTheOperatorsOwnModules() {
        assertThat(NodeProbes.optionLibs("")).isEqualTo("ignite-rest-http");
        assertThat(NodeProbes.optionLibs(" ignite-log4j2 , ignite-rest-http")).isEqualTo("ignite-log4j2,ignite-rest-http");
        assertThat(NodeProbes.optionLibs("ignite-aws")).isEqualTo("ignite-aws,ignite-rest-http");
    }
}

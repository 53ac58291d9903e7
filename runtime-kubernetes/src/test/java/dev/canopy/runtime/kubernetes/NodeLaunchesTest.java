package dev.canopy.runtime.kubernetes;

import dev.canopy.core.NodeId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeLaunchesTest {

    @Test
    void roundTripsThroughTheAnnotation() {
        NodeLaunches launches = NodeLaunches.parse(null).with(NodeId.leaf(1, 1), "2.17.0", "bbb")
                .with(NodeId.leaf(1, 0), "2.16.0", "aaa");
        assertThat(launches.format()).isEqualTo("leaf-ag1-0=2.16.0/aaa,leaf-ag1-1=2.17.0/bbb");
        assertThat(NodeLaunches.parse(launches.format())).isEqualTo(launches);
        assertThat(launches.of(NodeId.leaf(2, 0))).isEmpty();
        assertThat(launches.of(NodeId.leaf(1, 1))).contains(new NodeLaunches.Entry("2.17.0", "bbb"));
    }

    @Test
    void refusesWhatItDidNotWrite() {
        assertThatThrownBy(() -> NodeLaunches.parse("leaf-ag1-0")).hasMessageContaining("not a node launch entry");
    }
}

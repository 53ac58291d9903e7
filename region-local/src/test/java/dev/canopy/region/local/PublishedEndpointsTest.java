package dev.canopy.region.local;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PublishedEndpointsTest {
    private static final DatabaseClusterSpec SPEC = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(3, 0.25),
            new LeavesSpec(1, 0.5, 1, null), Map.of(), false);

    private static DatabaseClusterStatus status(List<String> addresses) {
        return new DatabaseClusterStatus(Phase.Ready, List.of(), 1L, null, null, "2.17.0",
                new Endpoints("jdbc:ignite:thin://" + String.join(",", addresses), addresses), null);
    }

    @Test
    void publishedPortsReplaceTheAggregatorsOwnAndAnAggregatorAddedSinceKeepsItsOwn() {
        DatabaseClusterStatus own = status(List.of("127.0.0.1:30001", "127.0.0.1:30002", "127.0.0.1:30003"));
        DatabaseClusterStatus shown = PublishedEndpoints.overlay(own, SPEC, Map.of("aggregator-0", 20001, "aggregator-1", 20002));
        assertThat(shown.endpoints().aggregators()).containsExactly("127.0.0.1:20001", "127.0.0.1:20002", "127.0.0.1:30003");
        assertThat(shown.endpoints().jdbcUrl()).isEqualTo("jdbc:ignite:thin://127.0.0.1:20001,127.0.0.1:20002,127.0.0.1:30003");
    }

    @Test
    void nothingPublishedOrNoEndpointLeavesTheStatusAsItIs() {
        DatabaseClusterStatus own = status(List.of("127.0.0.1:30001"));
        assertThat(PublishedEndpoints.overlay(own, SPEC, Map.of())).isSameAs(own);
        DatabaseClusterStatus suspended = new DatabaseClusterStatus(Phase.Suspended, List.of(), 1L, null, null, "2.17.0", null, null);
        assertThat(PublishedEndpoints.overlay(suspended, SPEC, Map.of("aggregator-0", 20001))).isSameAs(suspended);
    }
}

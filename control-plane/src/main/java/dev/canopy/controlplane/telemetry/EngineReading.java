package dev.canopy.controlplane.telemetry;

import java.util.List;

/** What a cluster's engine answered, before it is combined with the region's status into a {@link ClusterSample}. */
public record EngineReading(List<NodeSample> nodes, List<TableSample> tables, long queriesExecuted) {
    public EngineReading {
        nodes = List.copyOf(nodes);
        tables = List.copyOf(tables);
    }
}

package dev.canopy.controlplane.telemetry;

import java.util.List;

/**
 * What a cluster's engine answered, before it is combined with the region's status into a {@link ClusterSample}.
 *
 * @param queriesExecuted users' statements run by the aggregators so far
 * @param topQueries      the users' statements run most often, most first
 * @param refusedLogins   client logins the nodes refused (wrong user name or password) since each started, added up
 */
public record EngineReading(List<NodeSample> nodes, List<TableSample> tables, long queriesExecuted,
                            List<QuerySample> topQueries, long refusedLogins) {
    public EngineReading(List<NodeSample> nodes, List<TableSample> tables, long queriesExecuted, List<QuerySample> topQueries) {
        this(nodes, tables, queriesExecuted, topQueries, 0);
    }

    public EngineReading {
        nodes = List.copyOf(nodes);
        tables = List.copyOf(tables);
        topQueries = List.copyOf(topQueries);
    }
}

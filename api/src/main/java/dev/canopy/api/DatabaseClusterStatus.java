package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** What Canopy observed and did, written by the reconciler only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatabaseClusterStatus(
        Phase phase,
        List<Condition> conditions,
        Long observedGeneration,
        NodeCounts aggregators,
        NodeCounts leaves,
        String release,
        Endpoints endpoints,
        UpgradeStatus upgrade,
        RebalanceStatus rebalance,
        ReplicationStatus replication) {

    public DatabaseClusterStatus {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    /** A status with no rebalance under way. */
    public DatabaseClusterStatus(Phase phase, List<Condition> conditions, Long observedGeneration, NodeCounts aggregators,
                                 NodeCounts leaves, String release, Endpoints endpoints, UpgradeStatus upgrade) {
        this(phase, conditions, observedGeneration, aggregators, leaves, release, endpoints, upgrade, null, null);
    }

    /** A status of a cluster that is no replica. */
    public DatabaseClusterStatus(Phase phase, List<Condition> conditions, Long observedGeneration, NodeCounts aggregators,
                                 NodeCounts leaves, String release, Endpoints endpoints, UpgradeStatus upgrade,
                                 RebalanceStatus rebalance) {
        this(phase, conditions, observedGeneration, aggregators, leaves, release, endpoints, upgrade, rebalance, null);
    }

    public DatabaseClusterStatus withReplication(ReplicationStatus value) {
        return new DatabaseClusterStatus(phase, conditions, observedGeneration, aggregators, leaves, release, endpoints, upgrade,
                rebalance, value);
    }

    public DatabaseClusterStatus withEndpoints(Endpoints value) {
        return new DatabaseClusterStatus(phase, conditions, observedGeneration, aggregators, leaves, release, value, upgrade,
                rebalance, replication);
    }

    /** This status with the condition of that type replaced by (or added as) {@code condition}. */
    public DatabaseClusterStatus withCondition(Condition condition) {
        List<Condition> changed = new java.util.ArrayList<>(conditions.stream().filter(c -> !c.type().equals(condition.type())).toList());
        changed.add(condition);
        return new DatabaseClusterStatus(phase, changed, observedGeneration, aggregators, leaves, release, endpoints, upgrade,
                rebalance, replication);
    }

    public DatabaseClusterStatus withPhase(Phase newPhase) {
        return new DatabaseClusterStatus(newPhase, conditions, observedGeneration, aggregators, leaves, release, endpoints, upgrade,
                rebalance, replication);
    }

    public java.util.Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
    }

    public boolean isTrue(String conditionType) {
        return condition(conditionType).map(Condition::isTrue).orElse(false);
    }
}

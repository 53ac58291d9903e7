package dev.canopy.core;

import java.util.Set;

/** What runs inside a node: how to configure it and the admin calls the reconciler makes. */
public interface Engine {

    /** The launch of one node of the topology. Pure: the same topology renders the same launch. */
    /**
     * The JDBC URL a client uses to reach the given addresses of the cluster, with whatever the engine's clients need
     * besides (the cluster's trust store where its nodes take clients over TLS only): it works as given.
     */
    default String jdbcUrl(Topology topology, java.util.List<String> addresses) {
        return Topology.jdbcUrl(addresses);
    }

    NodeLaunch render(Topology topology, NodeId node);

    /** The cluster as the engine sees it, asked through any running leaf; never throws. */
    EngineView observe(Topology topology);

    /** Makes the cluster active (the first time, this also sets the baseline to the leaves that are up). */
    void activate(Topology topology);

    /** Sets the baseline to exactly these leaves (their names); every one must be online. */
    void setBaseline(Topology topology, Set<String> leaves);

    /** Whether SQL answers through this aggregator, for every table the cluster has: the aggregator can take clients. */
    boolean sqlAnswers(Topology topology, NodeId aggregator);

    /**
     * Declares the lost partitions of every table owned again, from the copies their owners brought back. Only called
     * when every leaf of the baseline is in the cluster with its storage: otherwise rows would be lost by it.
     */
    default void resetLostPartitions(Topology topology) {
        throw new UnsupportedOperationException("this engine cannot reset lost partitions");
    }

    /** Makes the cluster read-only (reads go on, writes are refused) or takes writes again. Idempotent. */
    default void setReadOnly(Topology topology, boolean readOnly) {
        throw new UnsupportedOperationException("this engine cannot make a cluster read-only");
    }
}

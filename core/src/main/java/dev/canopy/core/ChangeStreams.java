package dev.canopy.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The source side of replication, on either runtime: each pass of a cluster that is asked to stream its changes makes
 * the captures beside its leaves match {@link Replication#plan}, sends a heartbeat through them (the lag is measured on
 * it), and remembers, for its replicas' passes, what it streams to and in what state.
 */
public final class ChangeStreams {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeStreams.class);

    private final ChangeCapture capture;
    private final Map<String, String> streamingTo = new ConcurrentHashMap<>();
    private final Map<String, String> states = new ConcurrentHashMap<>();

    public ChangeStreams(ChangeCapture capture) {
        this.capture = capture;
    }

    /**
     * The spec a cluster is reconciled at on either runtime: the declared one, with change capture on while its changes
     * stream to a target (a replica) and the spec does not turn it on itself.
     */
    public static dev.canopy.api.DatabaseClusterSpec sourceSpec(dev.canopy.api.DatabaseClusterSpec declared, boolean replicated) {
        return replicated ? BlueGreen.capturing(declared) : declared;
    }

    /**
     * One pass of the cluster known by {@code key}, whose declared nodes are in {@code topology}.
     *
     * @return whether it streams to its target (a heartbeat was sent)
     */
    public boolean pass(String key, Topology topology, Optional<ReplicationTarget> target, Runtime runtime, Captures captures) {
        try {
            return passOnce(key, topology, target, runtime, captures);
        } catch (RuntimeException e) {
            streamingTo.remove(key);
            String message = "replication failed, retrying on the next pass: " + (e.getMessage() == null ? e : e.getMessage());
            if (!message.equals(states.put(key, message))) {
                LOG.warn("{}: {}", key, message, e);
            }
            return false;
        }
    }

    private boolean passOnce(String key, Topology topology, Optional<ReplicationTarget> target, Runtime runtime,
                             Captures captures) {
        Map<NodeId, String> running = captures.captures(topology.cluster());
        if (target.isEmpty() && running.isEmpty()) {
            forget(key);
            return false;
        }
        Map<NodeId, NodeObservation> nodes = runtime.observe(topology.cluster()).stream()
                .collect(Collectors.toMap(NodeObservation::node, Function.identity()));
        Replication.Plan plan = Replication.plan(topology, nodes, target, running, capture);
        if (!plan.idle()) {
            LOG.info("{}: replication: starting captures beside {}, stopping {}; {}", key, plan.start().keySet(), plan.stop(),
                    plan.state());
            Replication.apply(topology.cluster(), plan, captures);
        }
        boolean streaming = plan.streaming() && target.isPresent();
        if (streaming) {
            capture.heartbeat(topology);
            streamingTo.put(key, target.get().cluster());
        } else {
            streamingTo.remove(key);
        }
        if (target.isEmpty()) {
            states.remove(key);
        } else if (!plan.state().equals(states.put(key, plan.state()))) {
            LOG.info("{}: replication: {}", key, plan.state());
        }
        return streaming;
    }

    /** The cluster this one streams its changes to, as of its last pass; empty while held, stopped or failing. */
    public Optional<String> streamsTo(String key) {
        return Optional.ofNullable(streamingTo.get(key));
    }

    /** What its replication does, as of its last pass: e.g. "streaming to orders-dr from 2 of 2 leaves". */
    public Optional<String> state(String key) {
        return Optional.ofNullable(states.get(key));
    }

    /** Forgets the cluster (deleted, or no longer replicated). */
    public void forget(String key) {
        streamingTo.remove(key);
        states.remove(key);
    }
}

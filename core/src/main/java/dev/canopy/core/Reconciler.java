package dev.canopy.core;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One level-triggered pass: observe (runtime and engine), decide ({@link Planner}), take that one step, and compute
 * the status ({@link StatusBuilder}). Running it again right after it reached the declared state does nothing.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    static final Duration SOON = Duration.ofSeconds(1);
    static final Duration IDLE = Duration.ofSeconds(5);

    private final Runtime runtime;
    private final Engine engine;
    private final Clock clock;

    public Reconciler(Runtime runtime, Engine engine, Clock clock) {
        this.runtime = runtime;
        this.engine = engine;
        this.clock = clock;
    }

    public ReconcileResult reconcile(String cluster, long generation, DatabaseClusterSpec spec, DatabaseClusterStatus previous) {
        Observed observed = observe(cluster, spec);
        Step step = Planner.next(observed);
        take(cluster, observed.topology(), step);
        DatabaseClusterStatus status = StatusBuilder.build(previous, generation, observed, step, clock.instant());
        return new ReconcileResult(step, status, step instanceof Step.Done || step instanceof Step.Blocked ? IDLE : SOON);
    }

    Observed observe(String cluster, DatabaseClusterSpec spec) {
        Map<NodeId, NodeObservation> nodes = runtime.observe(cluster).stream()
                .collect(Collectors.toMap(NodeObservation::node, Function.identity()));
        Set<NodeId> all = new LinkedHashSet<>(DesiredNodes.all(spec));
        all.addAll(nodes.keySet());
        Topology topology = new Topology(cluster, spec, runtime.place(cluster, all));
        boolean anyLeafRunning = nodes.values().stream()
                .anyMatch(n -> n.node().isLeaf() && n.state() == NodeState.RUNNING);
        EngineView view = anyLeafRunning ? engine.observe(topology) : EngineView.unreachable("no leaf is running");
        boolean sql = false;
        if (view.active()) {
            List<NodeId> joined = DesiredNodes.aggregators(spec).stream().filter(view::joined).toList();
            sql = !joined.isEmpty() && engine.sqlAnswers(topology, joined.get(0));
        }
        return new Observed(topology, nodes, view, sql);
    }

    private void take(String cluster, Topology topology, Step step) {
        switch (step) {
            case Step.StartNodes start -> {
                LOG.info("{}: {} ({})", cluster, start.message(), start.reason());
                for (NodeId node : start.nodes()) {
                    runtime.start(cluster, node, engine.render(topology, node));
                }
            }
            case Step.StopNodes stop -> {
                LOG.info("{}: {} ({})", cluster, stop.message(), stop.reason());
                stop.nodes().forEach(node -> runtime.stop(cluster, node));
            }
            case Step.DeleteNodes delete -> {
                LOG.info("{}: {} ({})", cluster, delete.message(), delete.reason());
                delete.nodes().forEach(node -> runtime.delete(cluster, node));
            }
            case Step.Activate activate -> {
                LOG.info("{}: {}", cluster, activate.message());
                engine.activate(topology);
            }
            case Step.SetBaseline baseline -> {
                LOG.info("{}: {}", cluster, baseline.message());
                engine.setBaseline(topology, baseline.leaves());
            }
            case Step.Wait wait -> LOG.debug("{}: {}", cluster, wait.message());
            case Step.Blocked blocked -> LOG.debug("{}: blocked: {}", cluster, blocked.message());
            case Step.Done done -> LOG.debug("{}: {}", cluster, done.message());
        }
    }
}

package dev.canopy.core;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One level-triggered pass: observe (runtime and engine), decide ({@link Planner}), take that one step, and compute
 * the status ({@link StatusBuilder}). Running it again right after it reached the declared state does nothing.
 * A step that fails is reported in the status (phase Failed, the cause in the Progressing condition) and planned
 * afresh on the next pass, so fixing the cause is all it takes to carry on.
 */
public final class Reconciler {
    /** Failures in a row of one step before the cluster is called Failed: minutes of retries at the idle pace. */
    static final int ATTEMPTS_BEFORE_FAILED = 20;

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    static final Duration SOON = Duration.ofSeconds(1);
    static final Duration IDLE = Duration.ofSeconds(5);

    private final Runtime runtime;
    private final Engine engine;
    private final Clock clock;
    private final PlannerPolicy policy;
    /**
     * Per cluster, since when each aggregator has been seen in the active cluster and routed with SQL not answering
     * through it, pass after pass (see {@link Observed#silentSince}); kept in memory only: a platform that restarts
     * counts again, which only delays a restart.
     */
    private final Map<String, Map<NodeId, java.time.Instant>> silentSince = new java.util.concurrent.ConcurrentHashMap<>();

    public Reconciler(Runtime runtime, Engine engine, Clock clock, PlannerPolicy policy) {
        this.runtime = runtime;
        this.engine = engine;
        this.clock = clock;
        this.policy = policy;
    }

    public Reconciler(Runtime runtime, Engine engine, Clock clock) {
        this(runtime, engine, clock, PlannerPolicy.DEFAULTS);
    }

    public ReconcileResult reconcile(String cluster, long generation, DatabaseClusterSpec spec, DatabaseClusterStatus previous) {
        Map<NodeId, NodeLaunch> launches = new TreeMap<>();
        Observed observed = observe(cluster, spec, previous, launches);
        Step step = Planner.next(observed, policy);
        Step outcome = step;
        try {
            take(cluster, observed.topology(), step, launches);
        } catch (RuntimeException e) {
            outcome = failed(step, previous, Causes.rootMessage(e));
            LOG.warn("{}: {}", cluster, outcome.message(), e);
        }
        DatabaseClusterStatus status = StatusBuilder.build(previous, generation, observed, outcome, clock.instant());
        if (status.endpoints() != null) {
            List<String> addresses = status.endpoints().aggregators();
            status = status.withEndpoints(new Endpoints(engine.jdbcUrl(observed.topology(), addresses), addresses));
        }
        boolean resting = outcome instanceof Step.Done || outcome instanceof Step.Blocked || outcome instanceof Step.Failed
                || outcome instanceof Step.Retrying;
        return new ReconcileResult(outcome, status, resting ? IDLE : SOON);
    }

    /**
     * A step that threw is tried again on the next pass, and says so with the count; only once it failed
     * {@link #ATTEMPTS_BEFORE_FAILED} times in a row is the cluster Failed (and it is still tried: a fix of the cause
     * carries on from there).
     */
    static Step failed(Step step, DatabaseClusterStatus previous, String cause) {
        String retrying = step.reason() + "Retrying";
        String gaveUp = step.reason() + "Failed";
        java.util.Optional<Condition> progressing = previous == null ? java.util.Optional.empty() : previous.condition(Condition.PROGRESSING);
        int attempt = 1 + progressing.filter(c -> c.reason().equals(retrying)).map(Condition::attempts).orElse(0);
        if (progressing.map(c -> c.reason().equals(gaveUp)).orElse(false) || attempt >= ATTEMPTS_BEFORE_FAILED) {
            return new Step.Failed(gaveUp, step.message() + " failed" + (attempt > 1 ? " " + attempt + " times in a row" : "")
                    + ": " + cause);
        }
        return new Step.Retrying(retrying, step.message() + " failed (attempt " + attempt + "), retrying: " + cause, attempt);
    }

    /** Observes the cluster; fills {@code launches} with what each declared node is to run under this spec. */
    Observed observe(String cluster, DatabaseClusterSpec spec, DatabaseClusterStatus previous, Map<NodeId, NodeLaunch> launches) {
        Map<NodeId, NodeObservation> nodes = runtime.observe(cluster).stream()
                .collect(Collectors.toMap(NodeObservation::node, Function.identity()));
        Set<NodeId> all = new LinkedHashSet<>(DesiredNodes.all(spec));
        all.addAll(nodes.keySet());
        Topology topology = new Topology(cluster, spec, runtime.place(cluster, all));
        boolean anyLeafRunning = nodes.values().stream()
                .anyMatch(n -> n.node().isLeaf() && n.state() == NodeState.RUNNING);
        EngineView view = anyLeafRunning ? engine.observe(topology) : EngineView.unreachable("no leaf is running");
        Set<NodeId> serving = new TreeSet<>();
        Map<NodeId, java.time.Instant> silent = new TreeMap<>();
        if (view.active()) {
            // SQL answers through an aggregator once it answers, and clients reach it (on Kubernetes, once the Service
            // lists it: Ready a probe period after it answers, so "Ready" came before clients could connect)
            Map<NodeId, java.time.Instant> seenSilent = silentSince.getOrDefault(cluster, Map.of());
            DesiredNodes.aggregators(spec).stream().filter(view::joined)
                    .filter(aggregator -> nodes.get(aggregator) == null || nodes.get(aggregator).routed())
                    .forEach(aggregator -> {
                        if (engine.sqlAnswers(topology, aggregator)) {
                            serving.add(aggregator);
                        } else if (view.partitionsNotOwning() == 0) {
                            silent.put(aggregator, seenSilent.getOrDefault(aggregator, clock.instant()));
                        }
                    });
        }
        if (silent.isEmpty()) {
            silentSince.remove(cluster);
        } else {
            silentSince.put(cluster, silent);
        }
        Map<NodeId, String> desired = new TreeMap<>();
        List<NodeId> declared = DesiredNodes.all(spec);
        // undeclared nodes too: a leaf being removed may have to start again (it holds the only copies of partitions)
        for (NodeId node : all) {
            NodeLaunch launch = engine.render(topology, node);
            launches.put(node, launch);
            if (declared.contains(node)) {
                desired.put(node, launch.fingerprint());
            }
        }
        return new Observed(topology, nodes, view, serving, desired, previous, clock.instant(), silent);
    }

    /** A start and a restart are the same call: the runtime restarts a node whose launch changed. */
    private void startAll(String cluster, Step step, List<NodeId> nodes, Map<NodeId, NodeLaunch> launches) {
        LOG.info("{}: {} ({})", cluster, step.message(), step.reason());
        for (NodeId node : nodes) {
            runtime.start(cluster, node, launches.get(node));
        }
    }

    /** Every node a step starts is a declared one, so its launch was rendered while observing. */
    private void take(String cluster, Topology topology, Step step, Map<NodeId, NodeLaunch> launches) {
        switch (step) {
            case Step.StartNodes start -> startAll(cluster, start, start.nodes(), launches);
            case Step.RestartNodes restart -> startAll(cluster, restart, restart.nodes(), launches);
            case Step.ReplaceNodes replace -> {
                LOG.warn("{}: {} ({})", cluster, replace.message(), replace.reason());
                for (NodeId node : replace.nodes()) {
                    runtime.replace(cluster, node, launches.get(node));
                }
            }
            case Step.StopNodes stop -> {
                if (Planner.REBALANCE_STALLED.equals(stop.reason())) {
                    LOG.warn("{}: {} ({})", cluster, stop.message(), stop.reason());
                } else {
                    LOG.info("{}: {} ({})", cluster, stop.message(), stop.reason());
                }
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
            case Step.SetReadOnly readOnly -> {
                LOG.warn("{}: {}", cluster, readOnly.message());
                engine.setReadOnly(topology, readOnly.readOnly());
            }
            case Step.ResetLostPartitions reset -> {
                LOG.warn("{}: {}", cluster, reset.message());
                engine.resetLostPartitions(topology);
            }
            case Step.Wait wait -> LOG.debug("{}: {}", cluster, wait.message());
            case Step.Blocked blocked -> LOG.debug("{}: blocked: {}", cluster, blocked.message());
            case Step.Failed failed -> LOG.debug("{}: {}", cluster, failed.message());
            case Step.Retrying retrying -> LOG.debug("{}: {}", cluster, retrying.message());
            case Step.Done done -> LOG.debug("{}: {}", cluster, done.message());
        }
    }
}

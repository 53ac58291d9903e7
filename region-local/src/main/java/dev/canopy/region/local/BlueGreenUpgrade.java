package dev.canopy.region.local;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.api.UpgradeStatus;
import dev.canopy.core.BlueGreen;
import dev.canopy.core.ChangeCapture;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.Engine;
import dev.canopy.core.NodeId;
import dev.canopy.core.NodeObservation;
import dev.canopy.core.NodePlacement;
import dev.canopy.core.ReconcileResult;
import dev.canopy.core.Reconciler;
import dev.canopy.core.Replication;
import dev.canopy.core.ReplicationTarget;
import dev.canopy.core.Switchover;
import dev.canopy.core.Topology;
import dev.canopy.runtime.local.LocalRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Carries out a blue/green upgrade of a local cluster, one {@link BlueGreen#next} move per pass: both deployments are
 * reconciled by the same reconciler (blue at its release with change capture on, green at the declared spec), and the
 * move's I/O is done here: the copy, the change stream (captures beside blue's leaves, feeding green's aggregators),
 * the fence, the switch of the endpoint (the runtime forwards the ports clients know, at first blue's aggregators' own,
 * to green's aggregators, so that clients keep their JDBC URL and reconnect within milliseconds), and blue's retirement. The cluster's status is blue's until the switch, green's after,
 * with the upgrade's step in {@code status.upgrade} and the move's message in the Progressing condition.
 */
final class BlueGreenUpgrade {
    private static final Logger LOG = LoggerFactory.getLogger(BlueGreenUpgrade.class);
    /** How long the switch waits for green's aggregators to answer before it fails (and is retried). */
    private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(60);

    private final ClusterStore store;
    private final LocalRuntime runtime;
    private final Reconciler reconciler;
    private final Engine engine;
    private final ChangeCapture capture;
    private final Switchover switchover;
    private final Clock clock;
    private final BlueGreen.Policy policy;
    /** Green's last status, per cluster: green is no stored cluster of its own. */
    private final Map<String, DatabaseClusterStatus> greenStatus = new ConcurrentHashMap<>();

    BlueGreenUpgrade(ClusterStore store, LocalRuntime runtime, Reconciler reconciler, Engine engine, ChangeCapture capture,
                     Switchover switchover, Clock clock, BlueGreen.Policy policy) {
        this.store = store;
        this.runtime = runtime;
        this.reconciler = reconciler;
        this.engine = engine;
        this.capture = capture;
        this.switchover = switchover;
        this.clock = clock;
        this.policy = policy;
    }

    /**
     * The upgrade this pass of the cluster belongs to: the current one, one to start now (the spec changes the engine
     * version of a cluster that was Ready, and the strategy allows it), or the one abandoned at this generation (blue
     * keeps serving at its release until the spec changes again). Empty: reconcile as usual.
     */
    Optional<BlueGreen.Progress> upgradeOf(StoredCluster cluster) {
        Optional<BlueGreen.Progress> last = store.blueGreen(cluster.name());
        if (last.isPresent() && (last.get().inProgress()
                || last.get().abandoned() != null && last.get().generation() == cluster.generation())) {
            return last;
        }
        String running = cluster.status() == null ? null : cluster.status().release();
        if (cluster.spec().isSuspended() || !BlueGreen.applies(cluster.spec(), running)) {
            return Optional.empty();
        }
        String blue = store.deployment(cluster.name());
        String green = ClusterStore.deployments(cluster.name()).stream().filter(d -> !d.equals(blue)).findFirst().orElseThrow();
        BlueGreen.Progress started = BlueGreen.Progress.start(running, cluster.spec().release(), blue, green,
                cluster.generation(), clock.instant());
        LOG.info("{}: engine {} -> {}: upgrading blue/green: {} keeps serving while {} is built at {} and fed its changes",
                cluster.name(), running, cluster.spec().release(), blue, green, cluster.spec().release());
        // a green left by an earlier attempt would be trusted as filled
        runtime.retire(green);
        store.writeBlueGreen(cluster.name(), started);
        return Optional.of(started);
    }

    /** One pass of the upgrade; returns the cluster's status and when to come back. */
    ReconcileResult pass(StoredCluster cluster, BlueGreen.Progress progress) {
        DatabaseClusterSpec blueSpec = BlueGreen.blueSpec(cluster.spec(), progress.fromRelease());
        if (!progress.inProgress()) {
            // abandoned at this generation: blue serves at its release
            ReconcileResult blue = reconciler.reconcile(progress.blue(), cluster.generation(), blueSpec, cluster.status());
            return new ReconcileResult(blue.step(), overlay(blue.status(), progress, BlueGreen.ABANDONED, progress.abandoned()), blue.requeueAfter());
        }
        if (progress.switchedAt() != null) {
            return retire(cluster, progress);
        }
        ReconcileResult blue = reconciler.reconcile(progress.blue(), cluster.generation(), blueSpec, cluster.status());
        ReconcileResult green = reconciler.reconcile(progress.green(), cluster.generation(), BlueGreen.greenSpec(cluster.spec()),
                greenStatus.get(cluster.name()));
        greenStatus.put(cluster.name(), green.status());
        Topology blueTopology = topology(progress.blue(), blueSpec);
        Topology greenTopology = topology(progress.green(), cluster.spec());
        boolean streaming = progress.copiedAt() != null && stream(blueTopology, greenTopology);
        if (streaming && progress.fencedAt() == null) {
            capture.heartbeat(blueTopology);
        }
        Optional<Duration> lag = streaming ? capture.replicatedUpTo(blueTopology).map(upTo -> Duration.between(upTo, clock.instant()))
                : Optional.empty();
        Optional<String> differ = progress.fencedAt() == null ? Optional.empty()
                : Optional.of(TableComparison.differences(switchover, blueTopology, greenTopology));
        BlueGreen.Seen seen = new BlueGreen.Seen(clock.instant(), blue.status().phase() == Phase.Ready,
                green.status().phase() == Phase.Ready, streaming, lag, differ, false);
        BlueGreen.Move move = BlueGreen.next(progress, seen, policy);
        BlueGreen.Progress next = progress;
        DatabaseClusterStatus shown = blue.status();
        switch (move) {
            case BlueGreen.Move.Wait wait -> LOG.debug("{}: blue/green: {}", cluster.name(), wait.message());
            case BlueGreen.Move.Copy copy -> {
                LOG.info("{}: blue/green: {}", cluster.name(), copy.message());
                long started = System.nanoTime();
                List<String> tables = switchover.copySchema(blueTopology, greenTopology);
                Map<String, Long> rows = switchover.copyRows(blueTopology, greenTopology);
                LOG.info("{}: blue/green: {} tables made in green ({}), rows copied {} in {} ms", cluster.name(), tables.size(),
                        String.join(", ", tables), rows, (System.nanoTime() - started) / 1_000_000);
                next = progress.copied(clock.instant());
            }
            case BlueGreen.Move.Stream start -> {
                LOG.info("{}: blue/green: {}", cluster.name(), start.message());
                stream(blueTopology, greenTopology);
                next = progress.streaming(clock.instant());
            }
            case BlueGreen.Move.Fence fence -> {
                LOG.info("{}: blue/green: {}", cluster.name(), fence.message());
                switchover.fence(blueTopology);
                next = progress.fenced(clock.instant());
            }
            case BlueGreen.Move.Switch ignored -> {
                LOG.info("{}: blue/green: {}", cluster.name(), move.message());
                Instant served = switchClients(cluster.name(), progress, blueTopology, greenTopology);
                next = progress.switched(served);
                store.writeDeployment(cluster.name(), progress.green());
                LOG.info("{}: blue/green: {} serves the clients at {}; writes paused {} s", cluster.name(), progress.green(),
                        cluster.spec().release(), next.writePauseSeconds().orElse(0.0));
                shown = green.status();
            }
            case BlueGreen.Move.Retire ignored -> {
                // reached on the next pass, once the switch is stored
            }
            case BlueGreen.Move.Abandon abandon -> {
                LOG.warn("{}: {}", cluster.name(), abandon.message());
                abandon(cluster.name(), progress, blueTopology);
                next = progress.abandon(abandon.message(), clock.instant());
            }
        }
        if (!next.equals(progress)) {
            store.writeBlueGreen(cluster.name(), next);
        }
        String message = next.abandoned() != null ? next.abandoned() : move.message();
        return new ReconcileResult(blue.step(), overlay(shown, next, move.step(), message), Duration.ofMillis(500));
    }

    /** After the switch: captures stopped, blue deleted; green, now the cluster's deployment, reconciled as usual. */
    private ReconcileResult retire(StoredCluster cluster, BlueGreen.Progress progress) {
        LOG.info("{}: blue/green: retiring {} (stopping its captures and nodes, deleting its storage)", cluster.name(), progress.blue());
        runtime.retire(progress.blue());
        BlueGreen.Progress done = progress.finished(clock.instant());
        store.writeBlueGreen(cluster.name(), done);
        greenStatus.remove(cluster.name());
        ReconcileResult green = reconciler.reconcile(progress.green(), cluster.generation(), cluster.spec(), cluster.status());
        return new ReconcileResult(green.step(), overlay(green.status(), done, BlueGreen.DONE,
                "upgraded blue/green to " + progress.toRelease()),
                green.requeueAfter());
    }

    /** Makes the captures beside blue's leaves stream to green; whether every declared leaf has one. */
    private boolean stream(Topology blue, Topology green) {
        Map<NodeId, NodeObservation> nodes = runtime.observe(blue.cluster()).stream()
                .collect(Collectors.toMap(NodeObservation::node, Function.identity()));
        List<String> addresses = green.aggregators().stream().map(NodePlacement::sqlAddress).toList();
        Replication.Plan plan = Replication.plan(blue, nodes, Optional.of(new ReplicationTarget(green.cluster(), addresses)),
                runtime.captures(blue.cluster()), capture);
        if (!plan.idle()) {
            LOG.info("{}: blue/green: captures beside {} start, {} stop; {}", blue.cluster(), plan.start().keySet(), plan.stop(),
                    plan.state());
            Replication.apply(blue.cluster(), plan, runtime);
        }
        return runtime.captures(blue.cluster()).keySet().containsAll(DesiredNodes.leaves(blue.spec()));
    }

    /**
     * Moves the clients: the cluster's endpoint (the ports its clients know) now forwards to green's aggregators. The
     * first time, those are blue's aggregators' own ports: blue's aggregators stop first to free them (fenced, they
     * served reads only). Afterwards, the forwarders already serve them and are pointed at green, closing the
     * connections to blue so that clients reconnect. Returns when green serves through the endpoint: the end of the
     * write pause.
     */
    private Instant switchClients(String cluster, BlueGreen.Progress progress, Topology blue, Topology green) {
        Map<String, Integer> first = new java.util.TreeMap<>();
        if (runtime.publishedEndpoints(cluster).isEmpty()) {
            blue.aggregators().forEach(p -> first.put(p.node().name(), p.sqlPort()));
            blue.aggregators().forEach(p -> runtime.stop(progress.blue(), p.node()));
        }
        runtime.publishEndpoints(cluster, progress.green(), first);
        List<NodeId> aggregators = DesiredNodes.aggregators(green.spec());
        long deadline = System.nanoTime() + SERVE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (aggregators.stream().anyMatch(node -> engine.sqlAnswers(green, node))) {
                return clock.instant();
            }
            try {
                Thread.sleep(25); // polling a listener that is coming up, with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException(cluster + ": green's aggregators did not answer SQL within " + SERVE_TIMEOUT.toSeconds()
                + " s of the switch; retrying on the next pass");
    }

    private void abandon(String cluster, BlueGreen.Progress progress, Topology blue) {
        try {
            switchover.unfence(blue);
        } catch (RuntimeException e) {
            LOG.error("{}: could not unfence blue ({}): it stays read-only until unfenced: {}", cluster, progress.blue(), e.getMessage(), e);
        }
        runtime.captures(progress.blue()).keySet().forEach(leaf -> runtime.stopCapture(progress.blue(), leaf));
        runtime.retire(progress.green());
        greenStatus.remove(cluster);
    }

    private Topology topology(String deployment, DatabaseClusterSpec spec) {
        return new Topology(deployment, spec, runtime.place(deployment, DesiredNodes.all(spec)));
    }

    /** The status users see: the serving deployment's, with the upgrade's record and step. */
    DatabaseClusterStatus overlay(DatabaseClusterStatus status, BlueGreen.Progress progress, String step, String message) {
        UpgradeStatus upgrade = new UpgradeStatus(progress.fromRelease(), progress.toRelease(), UpgradeStatus.BLUE_GREEN,
                progress.startedAt(), progress.finishedAt(), null, null, null, step, progress.writePauseSeconds().orElse(null));
        List<Condition> conditions = new ArrayList<>();
        for (Condition condition : status.conditions()) {
            if (condition.type().equals(Condition.PROGRESSING)) {
                boolean progressing = progress.inProgress();
                String truth = progressing ? Condition.TRUE : Condition.FALSE;
                String reason = "BlueGreen" + step;
                String time = truth.equals(condition.status()) && reason.equals(condition.reason())
                        ? condition.lastTransitionTime() : clock.instant().toString();
                conditions.add(new Condition(Condition.PROGRESSING, truth, reason, message, time));
            } else {
                conditions.add(condition);
            }
        }
        Phase phase = progress.inProgress() ? Phase.Upgrading : status.phase();
        return new DatabaseClusterStatus(phase, conditions, status.observedGeneration(), status.aggregators(), status.leaves(),
                status.release(), status.endpoints(), upgrade, status.rebalance(), status.replication());
    }
}

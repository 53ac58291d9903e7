package dev.canopy.core;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import dev.canopy.api.UpgradeStatus;
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
 * Carries out a blue/green upgrade, one {@link BlueGreen#next} move per pass, on either runtime: both deployments are
 * reconciled by the same reconciler (blue at its release with change capture on, green at the declared spec), and the
 * move's I/O goes through the engine ({@link Switchover}, {@link ChangeCapture}), the runtime's captures, and its
 * {@link Deployments} (progress, the client endpoint, retirement). The cluster's status is blue's until the switch,
 * green's after, with the upgrade's step in {@code status.upgrade} and the move's message in the Progressing condition.
 */
public final class BlueGreenUpgrade {
    private static final Logger LOG = LoggerFactory.getLogger(BlueGreenUpgrade.class);
    /** How long the switch waits for green's aggregators to answer through the endpoint before it fails (and is retried). */
    private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(60);

    private final Engine engine;
    private final ChangeCapture capture;
    private final Switchover switchover;
    private final Clock clock;
    private final BlueGreen.Policy policy;
    private final BackgroundCopies copies;
    /** Green's last status, per cluster key: green is no cluster of its own to keep a status in. */
    private final Map<String, DatabaseClusterStatus> greenStatus = new ConcurrentHashMap<>();
    /**
     * Blue's last status of its own, per cluster key: blue is reconciled against it rather than the cluster's status,
     * whose upgrade record is the blue/green one. Against that, blue's rolling restart (capture on) had no record of
     * its own, counted only its stale nodes, and said "0 of 5 restarted" with one of 6 restarted. Kept in memory like
     * green's: after a restart of the platform, blue's count starts again from the nodes still to restart.
     */
    private final Map<String, DatabaseClusterStatus> blueStatus = new ConcurrentHashMap<>();

    public BlueGreenUpgrade(Engine engine, ChangeCapture capture, Switchover switchover, Clock clock, BlueGreen.Policy policy) {
        this.engine = engine;
        this.capture = capture;
        this.switchover = switchover;
        this.clock = clock;
        this.policy = policy;
        this.copies = new BackgroundCopies(switchover, clock);
    }

    /** The cluster as this pass sees it; {@code key} tells clusters apart across namespaces. */
    public record Cluster(String key, String name, long generation, DatabaseClusterSpec spec, DatabaseClusterStatus status) {
    }

    /** Where this pass's I/O goes: the runtime, its captures and deployments, and a reconciler on that runtime. */
    public record Site(Reconciler reconciler, Runtime runtime, Captures captures, Deployments deployments) {
    }

    /**
     * The upgrade this pass of the cluster belongs to: the current one, one to start now (the spec changes the engine
     * version of a running cluster, and the strategy allows it), or the one abandoned at this generation (blue keeps
     * serving at its release until the spec changes again). Empty: reconcile as usual.
     */
    public Optional<BlueGreen.Progress> upgradeOf(Cluster cluster, Deployments deployments) {
        Optional<BlueGreen.Progress> last = deployments.progress(cluster.name());
        if (last.isPresent() && (last.get().inProgress()
                || last.get().abandoned() != null && last.get().generation() == cluster.generation())) {
            return last;
        }
        String running = cluster.status() == null ? null : cluster.status().release();
        if (cluster.spec().isSuspended() || !BlueGreen.applies(cluster.spec(), running)) {
            return Optional.empty();
        }
        String blue = deployments.serving(cluster.name());
        String green = deployments.other(cluster.name());
        BlueGreen.Progress started = BlueGreen.Progress.start(running, cluster.spec().release(), blue, green,
                cluster.generation(), clock.instant());
        LOG.info("{}: engine {} -> {}: upgrading blue/green: {} keeps serving while {} is built at {} and fed its changes",
                cluster.key(), running, cluster.spec().release(), blue, green, cluster.spec().release());
        // a green left by an earlier attempt would be trusted as filled
        deployments.retire(green);
        deployments.saveProgress(cluster.name(), started);
        return Optional.of(started);
    }

    /** One pass of the upgrade; returns the cluster's status and when to come back. */
    public ReconcileResult pass(Cluster cluster, BlueGreen.Progress progress, Site site) {
        DatabaseClusterSpec blueSpec = BlueGreen.blueSpec(cluster.spec(), progress.fromRelease());
        Reconciler reconciler = site.reconciler();
        if (!progress.inProgress()) {
            // abandoned at this generation: blue serves at its release
            ReconcileResult blue = reconciler.reconcile(progress.blue(), cluster.generation(), blueSpec, cluster.status());
            return new ReconcileResult(blue.step(), overlay(blue.status(), progress, BlueGreen.ABANDONED, progress.abandoned()),
                    blue.requeueAfter());
        }
        if (progress.switchedAt() != null) {
            return retire(cluster, progress, site);
        }
        DatabaseClusterStatus blueBefore = blueStatus.getOrDefault(cluster.key(), cluster.status());
        ReconcileResult blue = reconciler.reconcile(progress.blue(), cluster.generation(), blueSpec, blueBefore);
        blueStatus.put(cluster.key(), blue.status());
        ReconcileResult green = reconciler.reconcile(progress.green(), cluster.generation(), BlueGreen.greenSpec(cluster.spec()),
                greenStatus.get(cluster.key()));
        greenStatus.put(cluster.key(), green.status());
        Topology blueTopology = topology(site.runtime(), progress.blue(), blueSpec);
        Topology greenTopology = topology(site.runtime(), progress.green(), cluster.spec());
        if (progress.copiedAt() == null) {
            stopOtherStreams(cluster, site, blueTopology);
        }
        boolean streaming = progress.copiedAt() != null && stream(site, blueTopology, greenTopology);
        if (streaming && progress.fencedAt() == null) {
            capture.heartbeat(blueTopology);
        }
        Optional<Duration> lag = streaming
                ? capture.replicatedUpTo(blueTopology, greenTopology).map(upTo -> Duration.between(upTo, clock.instant())) : Optional.empty();
        Optional<String> differ = progress.fencedAt() == null ? Optional.empty()
                : Optional.of(TableComparison.differences(switchover, blueTopology, greenTopology));
        BlueGreen.Seen seen = new BlueGreen.Seen(clock.instant(), blue.status().phase() == Phase.Ready,
                green.status().phase() == Phase.Ready, streaming, lag, differ, false, copies.running(cluster.key()),
                blue.step() instanceof Step.Done ? Optional.empty() : Optional.of(blue.step().message()));
        BlueGreen.Move move = BlueGreen.next(progress, seen, policy);
        BlueGreen.Progress next = progress;
        DatabaseClusterStatus shown = blue.status();
        switch (move) {
            case BlueGreen.Move.Wait wait -> LOG.debug("{}: blue/green: {}", cluster.key(), wait.message());
            case BlueGreen.Move.Copy copy -> {
                Optional<BackgroundCopies.Result> copied = copies.poll(cluster.key(), blueTopology, greenTopology);
                if (copied.isPresent()) {
                    LOG.info("{}: blue/green: {} tables made in green ({}), rows copied {} in {} ms", cluster.key(),
                            copied.get().tables().size(), String.join(", ", copied.get().tables()), copied.get().rows(),
                            copied.get().millis());
                    next = progress.copied(copied.get().finishedAt());
                }
            }
            case BlueGreen.Move.Stream start -> {
                LOG.info("{}: blue/green: {}", cluster.key(), start.message());
                stream(site, blueTopology, greenTopology);
                next = progress.streaming(clock.instant());
            }
            case BlueGreen.Move.Fence fence -> {
                LOG.info("{}: blue/green: {}", cluster.key(), fence.message());
                switchover.fence(blueTopology);
                next = progress.fenced(clock.instant());
            }
            case BlueGreen.Move.Switch ignored -> {
                LOG.info("{}: blue/green: {}", cluster.key(), move.message());
                site.deployments().moveClients(cluster.name(), blueTopology, greenTopology);
                next = progress.switched(awaitServing(cluster, greenTopology, site.runtime()));
                LOG.info("{}: blue/green: {} serves the clients at {}; writes paused {} s", cluster.key(), progress.green(),
                        cluster.spec().release(), next.writePauseSeconds().orElse(0.0));
                shown = green.status();
            }
            case BlueGreen.Move.Retire ignored -> {
                // reached on the next pass, once the switch is stored
            }
            case BlueGreen.Move.Abandon abandon -> {
                LOG.warn("{}: {}", cluster.key(), abandon.message());
                abandon(cluster, progress, blueTopology, site);
                next = progress.abandon(abandon.message(), clock.instant());
            }
        }
        if (!next.equals(progress)) {
            site.deployments().saveProgress(cluster.name(), next);
        }
        String message = next.abandoned() != null ? next.abandoned() : move.message();
        return new ReconcileResult(blue.step(), overlay(shown, next, move.step(), message), Duration.ofMillis(500));
    }

    /** After the switch: captures stopped, blue retired; green, now the cluster's deployment, reconciled as usual. */
    private ReconcileResult retire(Cluster cluster, BlueGreen.Progress progress, Site site) {
        LOG.info("{}: blue/green: retiring {} (stopping its captures and nodes, deleting its storage)", cluster.key(),
                progress.blue());
        site.deployments().retire(progress.blue());
        BlueGreen.Progress done = progress.finished(clock.instant());
        site.deployments().saveProgress(cluster.name(), done);
        greenStatus.remove(cluster.key());
        blueStatus.remove(cluster.key());
        ReconcileResult green = site.reconciler().reconcile(progress.green(), cluster.generation(), cluster.spec(), cluster.status());
        return new ReconcileResult(green.step(), overlay(green.status(), done, BlueGreen.DONE,
                "upgraded blue/green to " + progress.toRelease()), green.requeueAfter());
    }

    /**
     * Stops the captures beside blue's leaves that stream elsewhere (to a replica of the cluster): a leaf's changes stream
     * to one place at a time (its capture position is the leaf's), and from green's copy on every change must reach
     * green. Stopped before the copy, they leave every later change to the upgrade's captures; the replica is filled
     * again once the upgrade is over (see {@link ReplicaFeeder}).
     */
    private void stopOtherStreams(Cluster cluster, Site site, Topology blue) {
        Map<NodeId, String> running = site.captures().captures(blue.cluster());
        if (running.isEmpty()) {
            return;
        }
        LOG.warn("{}: blue/green: stopping the captures beside {} that stream to a replica: the upgrade streams the leaves'"
                + " changes to green; the replica is filled again once the upgrade is over", cluster.key(), running.keySet());
        running.keySet().forEach(leaf -> site.captures().stopCapture(blue.cluster(), leaf));
    }

    /** Makes the captures beside blue's leaves stream to green; whether every declared leaf has one. */
    private boolean stream(Site site, Topology blue, Topology green) {
        Map<NodeId, NodeObservation> nodes = site.runtime().observe(blue.cluster()).stream()
                .collect(Collectors.toMap(NodeObservation::node, Function.identity()));
        List<String> addresses = green.aggregators().stream().map(NodePlacement::sqlAddress).toList();
        Replication.Plan plan = Replication.plan(blue, nodes, Optional.of(new ReplicationTarget(green.cluster(), addresses)),
                site.captures().captures(blue.cluster()), capture);
        if (!plan.idle()) {
            LOG.info("{}: blue/green: captures beside {} start, {} stop; {}", blue.cluster(), plan.start().keySet(), plan.stop(),
                    plan.state());
            Replication.apply(blue.cluster(), plan, site.captures());
        }
        return site.captures().captures(blue.cluster()).keySet().containsAll(DesiredNodes.leaves(blue.spec()));
    }

    /**
     * Polls green's aggregators until one answers SQL: the end of the write pause. An aggregator is asked only once
     * the runtime routes to it (as the reconciler does): one that is asked to check a login while it still joins its
     * cluster never answers again (Ignite 2.17), and green's aggregators start again at the switch.
     */
    private Instant awaitServing(Cluster cluster, Topology green, Runtime runtime) {
        List<NodeId> aggregators = DesiredNodes.aggregators(green.spec());
        long deadline = System.nanoTime() + SERVE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Map<NodeId, NodeObservation> nodes = runtime.observe(green.cluster()).stream()
                    .collect(Collectors.toMap(NodeObservation::node, Function.identity(), (first, second) -> first));
            if (aggregators.stream().filter(node -> nodes.get(node) == null || nodes.get(node).routed())
                    .anyMatch(node -> engine.sqlAnswers(green, node))) {
                return clock.instant();
            }
            try {
                Thread.sleep(25); // polling a listener that is coming up, with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException(cluster.key() + ": green's aggregators did not answer SQL within "
                + SERVE_TIMEOUT.toSeconds() + " s of the switch; retrying on the next pass");
    }

    private void abandon(Cluster cluster, BlueGreen.Progress progress, Topology blue, Site site) {
        try {
            switchover.unfence(blue);
        } catch (RuntimeException e) {
            LOG.error("{}: could not unfence blue ({}): it stays read-only until unfenced: {}", cluster.key(), progress.blue(),
                    e.getMessage(), e);
        }
        site.captures().captures(progress.blue()).keySet().forEach(leaf -> site.captures().stopCapture(progress.blue(), leaf));
        site.deployments().retire(progress.green());
        greenStatus.remove(cluster.key());
        blueStatus.remove(cluster.key());
        copies.forget(cluster.key());
    }

    private static Topology topology(Runtime runtime, String deployment, DatabaseClusterSpec spec) {
        return new Topology(deployment, spec, runtime.place(deployment, DesiredNodes.all(spec)));
    }

    /** The status users see: the serving deployment's, with the upgrade's record and step. */
    DatabaseClusterStatus overlay(DatabaseClusterStatus status, BlueGreen.Progress progress, String step, String message) {
        UpgradeStatus upgrade = new UpgradeStatus(progress.fromRelease(), progress.toRelease(), UpgradeStatus.BLUE_GREEN,
                progress.startedAt(), progress.finishedAt(), null, null, null, step, progress.writePauseSeconds().orElse(null));
        // abandoned, the cluster serves at the release it had, not the spec's: that generation is not Ready, and will
        // not become so by itself (the spec has to change: back to the running release, or a new try)
        boolean abandoned = !progress.inProgress() && progress.abandoned() != null;
        List<Condition> conditions = new ArrayList<>();
        for (Condition condition : status.conditions()) {
            if (abandoned && condition.type().equals(Condition.READY)) {
                String why = "the upgrade to " + progress.toRelease() + " was abandoned (" + progress.abandoned() + "); the cluster"
                        + " serves at " + progress.fromRelease() + ". Set release back to " + progress.fromRelease()
                        + ", or change the spec again to try once more";
                String time = Condition.FALSE.equals(condition.status()) && "UpgradeAbandoned".equals(condition.reason())
                        ? condition.lastTransitionTime() : clock.instant().toString();
                conditions.add(new Condition(Condition.READY, Condition.FALSE, "UpgradeAbandoned", why, time));
            } else if (condition.type().equals(Condition.PROGRESSING)) {
                String truth = progress.inProgress() ? Condition.TRUE : Condition.FALSE;
                String reason = "BlueGreen" + step;
                String time = truth.equals(condition.status()) && reason.equals(condition.reason())
                        ? condition.lastTransitionTime() : clock.instant().toString();
                conditions.add(new Condition(Condition.PROGRESSING, truth, reason, message, time));
            } else {
                conditions.add(condition);
            }
        }
        Phase phase = progress.inProgress() ? Phase.Upgrading : abandoned ? Phase.Failed : status.phase();
        return new DatabaseClusterStatus(phase, conditions, status.observedGeneration(), status.aggregators(), status.leaves(),
                status.release(), status.endpoints(), upgrade, status.rebalance(), status.replication());
    }
}

package dev.canopy.core;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Phase;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.canopy.core.TestClusters.CLUSTER;
import static dev.canopy.core.TestClusters.spec;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link BlueGreenUpgrade}'s passes on the fake runtime and engine, as far as blue's restart with capture on. */
class BlueGreenUpgradeTest {
    private final FakeRuntime runtime = new FakeRuntime();
    private final FakeEngine engine = new FakeEngine(runtime);
    private final AheadClock clock = AheadClock.fixedAt(Instant.parse("2026-12-03T06:00:00Z"));
    private final Reconciler reconciler = new Reconciler(runtime, engine, clock, PlannerPolicy.DEFAULTS);

    /**
     * Issue 18: blue's rolling restart said "0 of 5 restarted" for 6 leaves. Reconciled against the cluster's status,
     * whose upgrade record is the blue/green one, it had no record of its own and counted its stale nodes only.
     */
    @Test
    void bluesRestartWithCaptureOnCountsEveryNodeItRestarts() {
        DatabaseClusterSpec from = spec(3, 1).withRelease("2.16.0");
        DatabaseClusterStatus status = null;
        for (int pass = 0; pass < 10 && (status == null || status.phase() != Phase.Ready); pass++) {
            clock.advanceSeconds(1);
            status = reconciler.reconcile(CLUSTER, 1, from, status).status();
        }
        assertThat(status.phase()).isEqualTo(Phase.Ready);
        DatabaseClusterSpec to = from.withRelease("2.17.0");
        Deployments deployments = new InMemoryDeployments();
        BlueGreenUpgrade upgrade = new BlueGreenUpgrade(engine, null, new NothingToCopy(), clock,
                BlueGreen.Policy.DEFAULTS);
        BlueGreenUpgrade.Site site = new BlueGreenUpgrade.Site(reconciler, runtime, new NoCaptures(), deployments);

        List<String> restarts = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        for (int pass = 0; pass < 30; pass++) {
            clock.advanceSeconds(1);
            BlueGreenUpgrade.Cluster cluster = new BlueGreenUpgrade.Cluster(CLUSTER, CLUSTER, 2, to, status);
            BlueGreen.Progress progress = upgrade.upgradeOf(cluster, deployments).orElseThrow();
            ReconcileResult result = upgrade.pass(cluster, progress, site);
            status = result.status();
            if (!BlueGreen.CAPTURING.equals(status.upgrade().step())) {
                break;
            }
            if (result.step() instanceof Step.RestartNodes) {
                restarts.add(result.step().message());
            }
            messages.add(status.condition(Condition.PROGRESSING).orElseThrow().message());
        }

        // the fake engine renders the spec's config into every node's launch: the aggregator restarts too
        assertThat(restarts).containsExactly("restarting leaf-ag1-0 (1 of 7)", "restarting leaf-ag1-1 (2 of 7)",
                "restarting leaf-ag1-2 (3 of 7)", "restarting leaf-ag2-0 (4 of 7)", "restarting leaf-ag2-1 (5 of 7)",
                "restarting leaf-ag2-2 (6 of 7)", "restarting aggregator-0 (7 of 7)");
        assertThat(messages).as("what the cluster's Progressing condition said").allSatisfy(message ->
                assertThat(message).startsWith("turning change capture on in blue (2.16.0, a rolling restart of its leaves)"))
                .contains("turning change capture on in blue (2.16.0, a rolling restart of its leaves), for under a minute:"
                        + " restarting leaf-ag2-0 (4 of 7)");
        assertThat(status.upgrade().step()).as("blue restarted and Ready: green next (provisioned beside it meanwhile)")
                .isIn(BlueGreen.PROVISIONING_GREEN, BlueGreen.COPYING);
    }

    private static final class InMemoryDeployments implements Deployments {
        private final Map<String, BlueGreen.Progress> progress = new HashMap<>();

        @Override
        public String serving(String cluster) {
            return cluster;
        }

        @Override
        public String other(String cluster) {
            return cluster + ".b";
        }

        @Override
        public Optional<BlueGreen.Progress> progress(String cluster) {
            return Optional.ofNullable(progress.get(cluster));
        }

        @Override
        public void saveProgress(String cluster, BlueGreen.Progress value) {
            progress.put(cluster, value);
        }

        @Override
        public void moveClients(String cluster, Topology blue, Topology green) {
            throw new AssertionError("not before blue restarted and green was filled");
        }

        @Override
        public void retire(String deployment) {
            // green does not exist yet when the upgrade starts
        }
    }

    /** The copy the last pass may start once both are Ready: no table. */
    private static final class NothingToCopy implements Switchover {
        @Override
        public List<String> copySchema(Topology source, Topology target) {
            return List.of();
        }

        @Override
        public Map<String, Long> copyRows(Topology source, Topology target) {
            return Map.of();
        }

        @Override
        public Map<String, TableDigest> digest(Topology cluster) {
            throw new AssertionError("not before the fence");
        }

        @Override
        public void fence(Topology cluster) {
            throw new AssertionError("not before streaming");
        }

        @Override
        public void unfence(Topology cluster) {
            throw new AssertionError("nothing abandoned");
        }

        @Override
        public boolean fenced(Topology cluster) {
            return false;
        }
    }

    private static final class NoCaptures implements Captures {
        @Override
        public void startCapture(String cluster, NodeId leaf, NodeLaunch launch) {
            throw new AssertionError("no capture streams before the copy");
        }

        @Override
        public void stopCapture(String cluster, NodeId leaf) {
            throw new AssertionError("no capture runs");
        }

        @Override
        public Map<NodeId, String> captures(String cluster) {
            return Map.of();
        }
    }
}

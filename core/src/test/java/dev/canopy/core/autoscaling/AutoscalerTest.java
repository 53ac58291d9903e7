package dev.canopy.core.autoscaling;

import dev.canopy.api.AutoscalingSpec;
import dev.canopy.api.ComputeAutoscaling;
import dev.canopy.api.MaintenanceWindow;
import dev.canopy.api.StorageAutoscaling;
import dev.canopy.core.autoscaling.Golden.Load;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden sequences: a cluster's telemetry minute by minute, and the decisions the autoscaler makes on it, each with its
 * minute and its reason. The cluster has 10 GiB per leaf and, unless a test says otherwise, 2 leaves per group.
 */
class AutoscalerTest {

    private static AutoscalingSpec storage(int maxStorageGB) {
        return new AutoscalingSpec(new StorageAutoscaling(null, null, maxStorageGB), null, null);
    }

    /** Compute autoscaling with its defaults: CPU 70%, heap 80%, out after 5 min, in after 30 min, cool-down 10 min. */
    private static AutoscalingSpec compute(int minLeaves, int maxLeaves) {
        return new AutoscalingSpec(null, new ComputeAutoscaling(minLeaves, maxLeaves, null, null, null, null, null, null, null), null);
    }

    private static AutoscalingSpec compute(int minLeaves, int maxLeaves, MaintenanceWindow window) {
        return new AutoscalingSpec(null, new ComputeAutoscaling(minLeaves, maxLeaves, null, null, null, null, null, null, window), null);
    }

    private static AutoscalingSpec idle(String after) {
        return new AutoscalingSpec(null, null, after);
    }

    private static final Load QUIET = Load.cpu(30).heap(40).queries(0);

    // --- storage ----------------------------------------------------------------------------------------------------

    @Test
    void aThresholdCrossedOnceGrowsTheStorageOnce() {
        Golden cluster = new Golden(2, storage(40))
                .minutes(0, 2, QUIET.storage(7))       // 70%
                .minutes(3, 20, QUIET.storage(8.3));   // 83%, then 55% of the grown storage
        assertThat(cluster.decisions()).containsExactly("3: grew leaf storage 10 → 15 GiB: leaf-ag1-0 at 83% > 80%");
        assertThat(cluster.last().reason()).isEqualTo("storage within its threshold: leaf-ag1-0 at 55.3% ≤ 80%");
    }

    @Test
    void storageGrowsByItsStepUpToItsMaximumAndNeverShrinks() {
        Golden cluster = new Golden(2, storage(20))
                .minutes(0, 1, QUIET.storage(8.5))     // 85% of 10
                .minutes(2, 3, QUIET.storage(12.6))    // 84% of 15: the step of 8 GiB would make 23, capped at 20
                .minutes(4, 5, QUIET.storage(17));     // 85% of 20: at its maximum
        assertThat(cluster.decisions()).containsExactly(
                "0: grew leaf storage 10 → 15 GiB: leaf-ag1-0 at 85% > 80%",
                "2: grew leaf storage 15 → 20 GiB: leaf-ag1-0 at 84% > 80% (its maximum)");
        assertThat(cluster.last().reason()).isEqualTo("leaf storage at its maximum 20 GiB: leaf-ag1-0 at 85% > 80%");

        cluster.minutes(6, 30, QUIET.storage(1));      // the data deleted: storage stays
        assertThat(cluster.decisions()).hasSize(2);
        assertThat(cluster.spec().leaves().storageGB()).isEqualTo(20);
    }

    @Test
    void aSmallStepIsAtLeastOneGibibyte() {
        Golden cluster = new Golden(2, new AutoscalingSpec(new StorageAutoscaling(90, 1, 12), null, null))
                .minutes(0, 0, QUIET.storage(9.5));
        assertThat(cluster.decisions()).containsExactly("0: grew leaf storage 10 → 11 GiB: leaf-ag1-0 at 95% > 90%");
    }

    // --- compute: out -----------------------------------------------------------------------------------------------

    @Test
    void cpuAboveItsTargetForLessThanTheWindowChangesNothing() {
        Golden cluster = new Golden(2, compute(1, 4))
                .minutes(0, 3, Load.cpu(87))
                .minutes(4, 4, Load.cpu(50))
                .minutes(5, 9, Load.cpu(87));          // 4 min each time
        assertThat(cluster.decisions()).isEmpty();
        assertThat(cluster.last().reason()).isEqualTo("no target exceeded for 5 min nor met with a leaf fewer per group for 30 min");
    }

    @Test
    void cpuAboveItsTargetForTheWindowScalesOutByOneThenWaitsForTheCoolDownThenStopsAtMaxLeaves() {
        Golden cluster = new Golden(2, compute(1, 4)).minutes(0, 40, Load.cpu(87));
        // the second: the readings after the first change only (minute 6 on), and not before the cool-down ends at 15
        assertThat(cluster.decisions()).containsExactly(
                "5: scaled out leaves 2 → 3 per group: CPU 87% > 70% for 5 min",
                "15: scaled out leaves 3 → 4 per group: CPU 87% > 70% for 9 min");
        assertThat(cluster.last().reason()).isEqualTo("at maxLeaves 4 per group: CPU 87% > 70% for 24 min");
    }

    @Test
    void heapOrQueriesPerLeafAboveTheirTargetScaleOutToo() {
        Golden heap = new Golden(2, compute(1, 4)).minutes(0, 5, Load.cpu(20).heap(92));
        assertThat(heap.decisions()).containsExactly("5: scaled out leaves 2 → 3 per group: heap 92% > 80% for 5 min");

        AutoscalingSpec queries = new AutoscalingSpec(null, new ComputeAutoscaling(1, 4, null, null, 200, null, null, null, null), null);
        Golden busy = new Golden(2, queries).minutes(0, 5, Load.cpu(20).queries(500));   // 250/s on each of 2 leaves
        assertThat(busy.decisions()).containsExactly("5: scaled out leaves 2 → 3 per group: queries per leaf 250/s > 200/s for 5 min");
    }

    @Test
    void nothingWhileARebalanceRunsOrRedundancyIsNotMetOrAChangeIsUnderWay() {
        Golden rebalancing = new Golden(2, compute(1, 4)).rebalancing(true).minutes(0, 10, Load.cpu(87));
        assertThat(rebalancing.decisions()).isEmpty();
        assertThat(rebalancing.last().reason()).isEqualTo("holding: a rebalance runs");
        rebalancing.rebalancing(false).minutes(11, 11, Load.cpu(87));
        assertThat(rebalancing.decisions()).containsExactly("11: scaled out leaves 2 → 3 per group: CPU 87% > 70% for 11 min");

        Golden degraded = new Golden(2, compute(1, 4)).redundancyMet(false).minutes(0, 10, Load.cpu(87));
        assertThat(degraded.decisions()).isEmpty();
        assertThat(degraded.last().reason()).isEqualTo("holding: redundancy is not met");

        Golden changing = new Golden(3, compute(1, 4)).settled(false).minutes(0, 40, Load.cpu(5));
        assertThat(changing.decisions()).isEmpty();
        assertThat(changing.last().reason()).isEqualTo("holding: a change of the cluster is under way");
    }

    @Test
    void staleTelemetryDecidesNothing() {
        Golden cluster = new Golden(2, compute(1, 4)).minutes(0, 4, Load.cpu(87)).passOnly(8);
        assertThat(cluster.decisions()).isEmpty();
        assertThat(cluster.last().reason()).isEqualTo("no load reading in the last 2 min");
    }

    // --- compute: in ------------------------------------------------------------------------------------------------

    @Test
    void aLoadThatALeafFewerStillCarriesScalesInAfterTheLongerWindowOnly() {
        // 3 leaves at 30% CPU and 40% heap would be at 45% and 60% on 2
        Golden cluster = new Golden(3, compute(1, 4)).minutes(0, 29, QUIET);
        assertThat(cluster.decisions()).isEmpty();
        cluster.minutes(30, 30, QUIET);
        assertThat(cluster.decisions()).containsExactly(
                "30: scaled in leaves 3 → 2 per group: CPU 30% (45% on 2) < 70%, heap 40% (60% on 2) < 80% for 30 min");
    }

    @Test
    void aLoadBelowItsTargetThatALeafFewerWouldNotCarryKeepsTheLeaves() {
        // 50% on 3 is 75% on 2: removing a leaf would only bring it back
        Golden cluster = new Golden(3, compute(1, 4)).minutes(0, 120, Load.cpu(50).queries(0));
        assertThat(cluster.decisions()).isEmpty();
    }

    @Test
    void scaleInWaitsForTheMaintenanceWindow() {
        // the window opens at 02:00, minute 120, for an hour
        Golden cluster = new Golden(3, compute(1, 4, new MaintenanceWindow("02:00", "1h"))).minutes(0, 119, QUIET);
        assertThat(cluster.decisions()).isEmpty();
        assertThat(cluster.last().reason()).isEqualTo("would scale in leaves 3 → 2 per group, outside the maintenance window"
                + " (02:00 UTC for 1h): CPU 30% (45% on 2) < 70%, heap 40% (60% on 2) < 80% for 119 min");
        cluster.minutes(120, 179, QUIET);
        assertThat(cluster.decisions()).containsExactly(
                "120: scaled in leaves 3 → 2 per group: CPU 30% (45% on 2) < 70%, heap 40% (60% on 2) < 80% for 2 h");
    }

    @Test
    void atMinLeavesNothingScalesIn() {
        Golden cluster = new Golden(2, compute(2, 4)).minutes(0, 90, Load.cpu(5).queries(0));
        assertThat(cluster.decisions()).isEmpty();
        assertThat(cluster.last().reason()).isEqualTo("no target exceeded for 5 min; at minLeaves 2 per group");
    }

    // --- idle -------------------------------------------------------------------------------------------------------

    @Test
    void aClusterWithoutStatementsForItsIdleTimeIsSuspendedOnce() {
        Golden cluster = new Golden(2, idle("10m"))
                .minutes(0, 3, QUIET.queries(5))
                .minutes(4, 30, QUIET);
        assertThat(cluster.decisions()).containsExactly("13: suspended: no statement for 10 min ≥ 10 min");
        assertThat(cluster.spec().isSuspended()).isTrue();
        assertThat(cluster.last().reason()).isEqualTo("the cluster is suspended");
    }

    @Test
    void aStatementStartsTheIdleTimeAgain() {
        Golden cluster = new Golden(2, idle("10m"))
                .minutes(0, 7, QUIET)
                .minutes(8, 8, QUIET.queries(0.2))
                .minutes(9, 30, QUIET);
        assertThat(cluster.decisions()).containsExactly("18: suspended: no statement for 10 min ≥ 10 min");
    }

    @Test
    void aClusterNeverUsedCountsItsIdleTimeFromWhenItStarted() {
        Golden cluster = new Golden(2, idle("10m")).minutes(0, 12, QUIET);
        assertThat(cluster.decisions()).containsExactly("10: suspended: no statement for 10 min since it started ≥ 10 min");
    }

    // --- together ---------------------------------------------------------------------------------------------------

    @Test
    void oneDecisionAPassStorageFirst() {
        AutoscalingSpec both = new AutoscalingSpec(new StorageAutoscaling(null, null, 100),
                new ComputeAutoscaling(1, 4, null, null, null, null, null, null, null), null);
        Golden cluster = new Golden(2, both).minutes(0, 4, Load.cpu(87)).minutes(5, 6, Load.cpu(87).storage(9));
        assertThat(cluster.decisions()).containsExactly(
                "5: grew leaf storage 10 → 15 GiB: leaf-ag1-0 at 90% > 80%",
                "6: scaled out leaves 2 → 3 per group: CPU 87% > 70% for 6 min");
    }

    @Test
    void withoutAutoscalingNothingIsDecided() {
        Golden cluster = new Golden(2, null).minutes(0, 60, Load.cpu(99).storage(9.9).queries(0));
        assertThat(cluster.decisions()).isEmpty();
        assertThat(cluster.last().reason()).isEqualTo("autoscaling is off");
    }
}

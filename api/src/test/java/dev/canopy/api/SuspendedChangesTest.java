package dev.canopy.api;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SuspendedChangesTest {
    private static final DatabaseClusterSpec RUNNING = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5),
            new LeavesSpec(3, 1.0, 10, null), Map.of(), false);
    private static final DatabaseClusterSpec SUSPENDED = RUNNING.withSuspended(true);

    @Test
    void aRunningClusterMayChangeAnything() {
        assertThat(SuspendedChanges.problems(RUNNING, RUNNING.withRelease("2.16.0").withSuspended(true))).isEmpty();
    }

    @Test
    void aSuspendedClusterMayOnlyResumeAloneOrChangeItsBackupPolicy() {
        assertThat(SuspendedChanges.problems(SUSPENDED, SUSPENDED.withSuspended(false))).isEmpty();
        assertThat(SuspendedChanges.problems(SUSPENDED, SUSPENDED.withBackup(new BackupSpec("6h", 3, null)))).isEmpty();
    }

    @Test
    void aResizeOrUpgradeOfASuspendedClusterIsRefusedNamingTheField() {
        DatabaseClusterSpec resized = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5),
                new LeavesSpec(2, 1.0, 10, null), Map.of(), true);
        assertThat(SuspendedChanges.problems(SUSPENDED, resized)).containsExactly(
                "spec.leaves: the cluster is suspended; resume it first (suspended: false, alone), then change this");
        assertThat(SuspendedChanges.problems(SUSPENDED, SUSPENDED.withRelease("2.16.0")))
                .singleElement().asString().startsWith("spec.release: the cluster is suspended");
        assertThat(SuspendedChanges.problems(SUSPENDED, resized.withSuspended(false).withRelease("2.16.0")))
                .as("resuming in the same change").hasSize(2);
    }
}

package dev.canopy.core;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every day-2 operation a release is offered with works on it, or is refused up front naming the field. */
class ReleaseChangesTest {
    private static DatabaseClusterSpec spec(String release, int leaves) {
        return new DatabaseClusterSpec(release, 2, new AggregatorsSpec(1, 0.5), new LeavesSpec(leaves, 0.5, 10, null), Map.of(), false);
    }

    @Test
    void theCurrentEngineMayChangeAnything() {
        assertThat(ReleaseChanges.problems(spec("2.17.0", 1), spec("2.17.0", 3))).isEmpty();
        assertThat(ReleaseChanges.problems(spec("2.16.0", 1), spec("2.17.0", 1))).as("an upgrade").isEmpty();
        assertThat(ReleaseChanges.problems(null, spec("2.16.0", 2))).as("a new cluster on the older engine").isEmpty();
    }

    @Test
    void anOlderEngineIsNotResizedNorBackedUpOnASchedule() {
        assertThat(ReleaseChanges.problems(spec("2.16.0", 1), spec("2.16.0", 2))).singleElement().asString()
                .startsWith("spec.leaves.count: the leaves cannot be added or removed on release 2.16.0")
                .contains("upgrade the cluster to 2.17.0 first");
        assertThat(ReleaseChanges.problems(spec("2.16.0", 1), spec("2.16.0", 1).withBackup(new BackupSpec("6h", null, null))))
                .singleElement().asString().startsWith("spec.backup.schedule: no backup can be taken on release 2.16.0");
        assertThat(ReleaseChanges.backupProblem("2.16.0")).isPresent();
        assertThat(ReleaseChanges.backupProblem("2.17.0")).isEmpty();
    }

    @Test
    void anEngineIsNeverDowngraded() {
        assertThat(ReleaseChanges.problems(spec("2.17.0", 1), spec("2.16.0", 1))).first().asString()
                .startsWith("spec.release: 2.16.0 is an older engine than the cluster's 2.17.0");
        assertThat(ReleaseChanges.older("2.9.1", "2.16.0")).as("numerically").isTrue();
        assertThat(ReleaseChanges.older("2.17.0-canopy.2", "2.17.0")).isFalse();
    }
}

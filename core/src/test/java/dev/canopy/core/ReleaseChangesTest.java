package dev.canopy.core;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.AutoscalingSpec;
import dev.canopy.api.ComputeAutoscaling;
import dev.canopy.api.StorageAutoscaling;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.OlderEngineChanges;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every day-2 operation a release is offered with works on it, or is refused up front naming the field. */
class ReleaseChangesTest {
    private static DatabaseClusterSpec spec(String release, int leaves) {
        return new DatabaseClusterSpec(release, 2, new AggregatorsSpec(1, 0.5), new LeavesSpec(leaves, 0.5, 10, null), Map.of(), false);
    }

    /** The CRD's transition rule says of every release what this class says: older than the platform's engine or not. */
    @Test
    void theCrdsRuleFindsExactlyTheOlderEngines() {
        java.util.regex.Pattern older = java.util.regex.Pattern.compile(OlderEngineChanges.OLDER_THAN_PLATFORM);
        int olderFound = 0;
        for (int major = 0; major <= 3; major++) {
            for (int minor = 0; minor <= 25; minor++) {
                for (int patch : new int[]{0, 1, 10}) {
                    String release = major + "." + minor + "." + patch;
                    boolean olderEngine = ReleaseChanges.older(release, ReleaseChanges.PLATFORM_ENGINE);
                    assertThat(older.matcher(release).find()).as(release).isEqualTo(olderEngine);
                    olderFound += olderEngine ? 1 : 0;
                }
            }
        }
        assertThat(olderFound).as("0.x, 1.x and 2.0 to 2.16").isEqualTo((26 + 26 + 17) * 3);
        assertThat(OlderEngineChanges.CEL_MESSAGE).contains("older than " + ReleaseChanges.PLATFORM_ENGINE,
                "upgrade the cluster to " + ReleaseChanges.PLATFORM_ENGINE + " first");
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
    void anOlderEngineIsNotScaledByTheAutoscalerButItsStorageMayGrow() {
        DatabaseClusterSpec compute = spec("2.16.0", 1).withAutoscaling(new AutoscalingSpec(null,
                new ComputeAutoscaling(1, 3, null, null, null, null, null, null, null), null));
        assertThat(ReleaseChanges.problems(null, compute)).singleElement().asString()
                .startsWith("spec.autoscaling.compute: the leaves cannot be added or removed on release 2.16.0");
        DatabaseClusterSpec storage = spec("2.16.0", 1).withAutoscaling(new AutoscalingSpec(new StorageAutoscaling(null, null, 20),
                null, "1h"));
        assertThat(ReleaseChanges.problems(null, storage)).isEmpty();
        assertThat(ReleaseChanges.problems(null, compute.withRelease("2.17.0"))).isEmpty();
    }

    @Test
    void anEngineIsNeverDowngraded() {
        assertThat(ReleaseChanges.problems(spec("2.17.0", 1), spec("2.16.0", 1))).first().asString()
                .startsWith("spec.release: 2.16.0 is an older engine than the cluster's 2.17.0");
        assertThat(ReleaseChanges.older("2.9.1", "2.16.0")).as("numerically").isTrue();
        assertThat(ReleaseChanges.older("2.17.0-canopy.2", "2.17.0")).isFalse();
    }
}

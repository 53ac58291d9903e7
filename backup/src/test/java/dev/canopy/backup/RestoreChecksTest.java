package dev.canopy.backup;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RestoreChecksTest {
    private static final long GIB = 1024L * 1024 * 1024;

    private static BackupRecord good(long bytes, int redundancy, Map<String, Long> before, Map<String, Long> after) {
        return BackupRecord.started("orders-1", "orders", Instant.EPOCH, "2.17.0", new BackupTopology(1, 2, redundancy, 1, 10), "here")
                .succeeded(Instant.EPOCH.plusSeconds(3), bytes, before, after);
    }

    private static DatabaseClusterSpec target(int redundancy, int leavesPerGroup, int storageGB) {
        return new DatabaseClusterSpec("2.17.0", redundancy, new AggregatorsSpec(1, 1.0), new LeavesSpec(leavesPerGroup, 1.0, storageGB, null), Map.of(), null);
    }

    @Test
    void dataFitsWhenTheLeavesTogetherHoldItsCopies() {
        // 30 GiB taken with 2 copies: 15 GiB of data
        BackupRecord backup = good(30 * GIB, 2, Map.of(), Map.of());
        assertThat(RestoreFit.problem(backup, target(2, 1, 15))).isEmpty();
        assertThat(RestoreFit.problem(backup, target(1, 1, 8))).as("one copy of 15 GiB on 2 leaves of 8").isEmpty();
        assertThat(RestoreFit.problem(backup, target(2, 1, 10))).contains(
                "the backup needs 30.0 GiB with 2 copies, but 2 leaves of 10 GiB hold 20.0 GiB: give more leaves or more storageGB");
    }

    @Test
    void onlyAGoodBackupIsRestored() {
        BackupRecord failed = BackupRecord.started("orders-1", "orders", Instant.EPOCH, "2.17.0", new BackupTopology(1, 2, 2, 1, 10), "here")
                .failed(Instant.EPOCH, "leaf-ag1-0 left");
        assertThat(RestoreFit.problem(failed, target(2, 4, 100))).contains(
                "backup orders-1 is Failed (leaf-ag1-0 left): only a Succeeded backup can be restored");
    }

    @Test
    void rowsMustMatchTableByTable() {
        BackupRecord backup = good(1, 2, Map.of("PUBLIC.A", 10L, "PUBLIC.B", 2L), Map.of("PUBLIC.A", 10L, "PUBLIC.B", 2L));
        assertThat(RowCheck.mismatches(backup, Map.of("PUBLIC.A", 10L, "PUBLIC.B", 2L))).isEmpty();
        assertThat(RowCheck.mismatches(backup, Map.of("PUBLIC.A", 9L, "PUBLIC.C", 1L))).containsExactly(
                "PUBLIC.A: 9 rows, backup has 10",
                "PUBLIC.B: missing (backup has 2 rows)",
                "PUBLIC.C: not in the backup, yet restored with 1 rows");
    }

    @Test
    void aTableWrittenDuringTheSnapshotMayHoldAnyCountBetweenItsTwo() {
        BackupRecord backup = good(1, 2, Map.of("PUBLIC.A", 10L), Map.of("PUBLIC.A", 14L));
        assertThat(backup.tableRowsAfter()).containsEntry("PUBLIC.A", 14L);
        assertThat(RowCheck.mismatches(backup, Map.of("PUBLIC.A", 12L))).isEmpty();
        assertThat(RowCheck.mismatches(backup, Map.of("PUBLIC.A", 15L))).containsExactly("PUBLIC.A: 15 rows, backup has 10 to 14");
    }
}

package dev.canopy.backup;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduleAndRetentionTest {
    private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

    @Test
    void intervalsReadTheirUnit() {
        assertThat(Schedule.interval("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(Schedule.interval("6h")).isEqualTo(Duration.ofHours(6));
        assertThat(Schedule.interval("1d")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void aBackupIsDueOnceTheIntervalHasPassedSinceTheLastStart() {
        assertThat(Schedule.due(null, Optional.empty(), T0)).as("no schedule").isFalse();
        assertThat(Schedule.due("6h", Optional.empty(), T0)).as("never backed up").isTrue();
        assertThat(Schedule.due("6h", Optional.of(T0), T0.plus(Duration.ofHours(6)).minusSeconds(1))).isFalse();
        assertThat(Schedule.due("6h", Optional.of(T0), T0.plus(Duration.ofHours(6)))).isTrue();
    }

    /** The decision a region's pass makes for every cluster, from its records and spec alone: nothing is opened. */
    @Test
    void aScheduledBackupIsDueFromTheRecordsOnceTheClusterIsReady() {
        DatabaseClusterSpec scheduled = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5),
                new LeavesSpec(1, 0.5, 10, null), Map.of(), false, new BackupSpec("6h", 3, null));
        DatabaseClusterStatus ready = new DatabaseClusterStatus(Phase.Ready, List.of(), 1L, null, null, "2.17.0", null, null);
        DatabaseClusterStatus upgrading = new DatabaseClusterStatus(Phase.Upgrading, List.of(), 1L, null, null, "2.17.0", null, null);
        List<BackupRecord> one = List.of(at(0, BackupState.Failed));

        assertThat(ClusterBackups.scheduledDue(List.of(), scheduled, ready, T0)).as("never backed up").isTrue();
        assertThat(ClusterBackups.scheduledDue(List.of(), scheduled, upgrading, T0)).as("not Ready").isFalse();
        assertThat(ClusterBackups.scheduledDue(List.of(), scheduled.withBackup(null), ready, T0)).as("no schedule").isFalse();
        assertThat(ClusterBackups.scheduledDue(one, scheduled, ready, T0.plus(Duration.ofHours(6)).minusSeconds(1)))
                .as("a failed one counts as the last start").isFalse();
        assertThat(ClusterBackups.scheduledDue(one, scheduled, ready, T0.plus(Duration.ofHours(6)))).isTrue();
    }

    private static BackupRecord at(int hour, BackupState state) {
        BackupRecord started = BackupRecord.started("b" + hour, "orders", T0.plus(Duration.ofHours(hour)), "2.17.0",
                new BackupTopology(1, 1, 2, 1, 1), "here");
        return switch (state) {
            case InProgress -> started;
            case Succeeded -> started.succeeded(started.createdAt().plusSeconds(1), 10, Map.of(), Map.of());
            case Failed -> started.failed(started.createdAt().plusSeconds(1), "no");
        };
    }

    @Test
    void retentionKeepsTheNewestGoodOnesAndTheFailuresAmongThem() {
        List<BackupRecord> records = new ArrayList<>(List.of(
                at(1, BackupState.Succeeded), at(2, BackupState.Failed), at(3, BackupState.Succeeded),
                at(4, BackupState.Failed), at(5, BackupState.Succeeded), at(6, BackupState.InProgress)));
        assertThat(Retention.expired(records, 2)).extracting(BackupRecord::id).containsExactlyInAnyOrder("b1", "b2");
        assertThat(Retention.expired(records, 1)).extracting(BackupRecord::id).containsExactlyInAnyOrder("b1", "b2", "b3", "b4");
        assertThat(Retention.expired(records, 3)).as("fewer good ones than kept").isEmpty();
    }

    @Test
    void failuresAloneAreKeptUntilGoodBackupsReplaceThem() {
        assertThat(Retention.expired(List.of(at(1, BackupState.Failed), at(2, BackupState.Failed)), 1)).isEmpty();
    }

    @Test
    void idsSortByTime() {
        String id = BackupIds.of("orders", Instant.parse("2026-11-25T03:17:09Z"));
        assertThat(id).matches("orders-20261125-031709-[a-z2-9]{8}");
        assertThat(BackupIds.of("orders", Instant.parse("2026-11-25T03:17:09Z"))).as("not guessable from the cluster and the second")
                .isNotEqualTo(id);
    }
}

package dev.canopy.backup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What every destination does, the same way. */
abstract class DestinationContract {
    @TempDir
    Path work;

    abstract Destination destination() throws Exception;

    static BackupRecord record(String id, Instant at) {
        return BackupRecord.started(id, "orders", at, "2.17.0", new BackupTopology(1, 2, 2, 1.0, 10), "here");
    }

    @Test
    void filesGoUpAndComeBackWithTheirPaths() throws Exception {
        Destination destination = destination();
        Path source = work.resolve("source");
        Files.createDirectories(source.resolve("snap/db/leaf_ag1_0"));
        Files.writeString(source.resolve("snap/db/leaf_ag1_0/part-1.bin"), "one");
        Files.writeString(source.resolve("snap/leaf_ag1_0.smf"), "meta!");
        assertThat(destination.upload("b1", source)).isEqualTo(8);

        Path back = work.resolve("back");
        destination.download("b1", back);
        assertThat(back.resolve("snap/db/leaf_ag1_0/part-1.bin")).hasContent("one");
        assertThat(back.resolve("snap/leaf_ag1_0.smf")).hasContent("meta!");
    }

    @Test
    void recordsAreListedOldestFirstAndOverwritten() throws Exception {
        Destination destination = destination();
        BackupRecord later = record("orders-2", Instant.parse("2026-11-25T04:00:00Z"));
        BackupRecord earlier = record("orders-1", Instant.parse("2026-11-25T03:00:00Z"));
        destination.putRecord(later);
        destination.putRecord(earlier);
        BackupRecord done = later.succeeded(Instant.parse("2026-11-25T04:00:05Z"), 42, Map.of("PUBLIC.T", 3L), Map.of("PUBLIC.T", 3L));
        destination.putRecord(done);

        assertThat(destination.records()).containsExactly(earlier, done);
        assertThat(destination.record("orders-2")).contains(done);
        assertThat(destination.record("orders-3")).isEmpty();
        assertThat(done.durationMs()).isEqualTo(5000);
        assertThat(done.tableRowsAfter()).as("unchanged while it ran").isNull();
    }

    @Test
    void deleteRemovesFilesAndRecordAndIgnoresWhatIsNotThere() throws Exception {
        Destination destination = destination();
        Path source = work.resolve("source");
        Files.createDirectories(source);
        Files.writeString(source.resolve("f"), "x");
        destination.upload("b1", source);
        destination.putRecord(record("b1", Instant.EPOCH));
        destination.delete("b1");
        destination.delete("never-there");
        assertThat(destination.records()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> destination.download("b1", work.resolve("back")))
                .hasMessageContaining("backup b1 has no files");
    }
}

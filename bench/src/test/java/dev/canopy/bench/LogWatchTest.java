package dev.canopy.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LogWatchTest {
    @TempDir
    Path dir;

    @Test
    void seesOnlyWhatIsAppendedAfterItWasMadeEvenSplitAcrossReads() throws Exception {
        Path first = dir.resolve("a.log");
        Path second = dir.resolve("b.log");
        Files.writeString(first, "earlier: stopping the node\n");
        LogWatch watch = new LogWatch(List.of(first, second), "stopping the node");
        assertThat(watch.seen()).as("a line written before the watch").isFalse();

        Files.writeString(second, "canopy: supervisor gone; stopp");
        assertThat(watch.seen()).isFalse();
        Files.writeString(second, "ing the node\n", StandardOpenOption.APPEND);
        assertThat(watch.seen()).as("the phrase split across two reads").isTrue();
    }
}

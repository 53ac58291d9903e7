package dev.canopy.runtime.kubernetes;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The archives PodFiles carries a snapshot in: what goes in comes out the same; nothing lands outside the target. */
class PodFilesArchiveTest {
    @TempDir
    Path work;

    @Test
    void aSnapshotsTreeComesOutAsItWentIn() throws IOException {
        Path snapshot = work.resolve("snap");
        Path part = snapshot.resolve("db/leaf_ag1_0/cache-PUBLIC_ITEMS/part-0.bin");
        Files.createDirectories(part.getParent());
        byte[] bytes = new byte[300_000];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(part, bytes);
        Files.writeString(snapshot.resolve("leaf_ag1_0.smf"), "meta");
        Files.createDirectories(snapshot.resolve("db/binary_meta/leaf_ag1_0"));
        Path longName = snapshot.resolve("db/" + "x".repeat(120) + "/part-1.bin");
        Files.createDirectories(longName.getParent());
        Files.writeString(longName, "a name over tar's 100 characters");

        Path archive = work.resolve("snap.tar");
        PodFiles.archive(snapshot, archive);
        Path copy = work.resolve("copy");
        PodFiles.extract(archive, copy);

        assertThat(copy.resolve("db/leaf_ag1_0/cache-PUBLIC_ITEMS/part-0.bin")).hasBinaryContent(bytes);
        assertThat(copy.resolve("leaf_ag1_0.smf")).hasContent("meta");
        assertThat(copy.resolve("db/binary_meta/leaf_ag1_0")).isEmptyDirectory();
        assertThat(copy.resolve("db/" + "x".repeat(120) + "/part-1.bin")).hasContent("a name over tar's 100 characters");
    }

    @Test
    void anEntryThatWouldLeaveTheTargetIsRefused() throws IOException {
        Path archive = work.resolve("evil.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
            byte[] content = "x".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry("../outside");
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        assertThatThrownBy(() -> PodFiles.extract(archive, work.resolve("target")))
                .isInstanceOf(IOException.class).hasMessageContaining("../outside is outside");
        assertThat(work.resolve("outside")).doesNotExist();
    }

    /** The pods unpack with GNU tar: it reads the archive without a warning (once per file would flood an error). */
    @Test
    void gnuTarUnpacksTheArchiveWithoutAWord() throws Exception {
        Path tarBinary = Path.of("/usr/bin/tar");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(tarBinary), "no tar on this machine");
        Path snapshot = work.resolve("snap");
        Files.createDirectories(snapshot.resolve("db/leaf_ag1_0"));
        Files.writeString(snapshot.resolve("db/leaf_ag1_0/part-0.bin"), "rows");
        Files.writeString(snapshot.resolve("leaf_ag1_0.smf"), "meta");
        Path archive = work.resolve("snap.tar");
        PodFiles.archive(snapshot, archive);
        Path out = Files.createDirectories(work.resolve("out"));
        Process tar = new ProcessBuilder(tarBinary.toString(), "-xf", archive.toString(), "-C", out.toString()).start();
        String errors = new String(tar.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).isZero();
        assertThat(errors).isEmpty();
        assertThat(out.resolve("db/leaf_ag1_0/part-0.bin")).hasContent("rows");
        assertThat(out.resolve("leaf_ag1_0.smf")).hasContent("meta");
    }
}

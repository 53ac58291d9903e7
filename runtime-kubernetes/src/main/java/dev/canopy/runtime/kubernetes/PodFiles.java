package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A leaf's files through {@code exec} in its node container, as {@code kubectl cp} does: {@code tar} on the pod's
 * side, streamed as it is, and checked by its exit code (a copy that stopped half-way is an error, not a shorter
 * directory). Into the pod, the archive's length is given to {@code head -c}, so that {@code tar} sees its end on
 * every API server: closing stdin is only passed on from Kubernetes 1.29 (the v5 stream protocol).
 */
public final class PodFiles implements LeafFiles {
    /**
     * The largest write to the exec's stdin, each write being one WebSocket frame. fabric8's JDK client hands every
     * frame to java.net.http.WebSocket at once, which allows one send in progress and fails the next ("Send pending",
     * reported by fabric8 as "could not send") when the pod reads slower than the operator writes. fabric8 lets at
     * most 16 MiB wait to be sent (ExecWebSocketListener.MAX_QUEUE_SIZE) and holds a write back until it fits: a
     * frame of 16 MiB (this and the channel byte) fills it, so the next write waits until this one is sent.
     */
    static final int STDIN_FRAME = 16 * 1024 * 1024 - 1;
    private final KubernetesClient client;
    private final String namespace;
    private final String container;
    private final Path scratch;
    private final Duration timeout;

    /** @param scratch a local directory for the archives on their way in */
    public PodFiles(KubernetesClient client, String namespace, String container, Path scratch, Duration timeout) {
        this.client = client;
        this.namespace = namespace;
        this.container = container;
        this.scratch = scratch;
        this.timeout = timeout;
    }

    @Override
    public void copyOut(String pod, String from, Path to) {
        try {
            Files.createDirectories(to);
            Path archive = Files.createTempFile(scratchDirectory(), pod, ".tar");
            try {
                try (OutputStream out = Files.newOutputStream(archive)) {
                    run(pod, out, null, 0, "tar", "-cf", "-", "-C", from, ".");
                }
                extract(archive, to);
            } finally {
                Files.deleteIfExists(archive);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + pod + ":" + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void copyIn(Path from, String pod, String to) {
        try {
            Path archive = Files.createTempFile(scratchDirectory(), pod, ".tar");
            try {
                archive(from, archive);
                long length = Files.size(archive);
                try (InputStream in = Files.newInputStream(archive)) {
                    run(pod, OutputStream.nullOutputStream(), in, length, "sh", "-c",
                            "mkdir -p " + quote(to) + " && head -c " + length + " | tar -xf - -C " + quote(to));
                }
            } finally {
                Files.deleteIfExists(archive);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + pod + ":" + to + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String pod, String directory) {
        run(pod, OutputStream.nullOutputStream(), null, 0, "rm", "-rf", directory);
    }

    private Path scratchDirectory() throws IOException {
        return Files.createDirectories(scratch);
    }

    /** Runs the command in the pod's container, stdout to {@code out}; throws with its stderr unless it exits with 0. */
    private void run(String pod, OutputStream out, InputStream in, long length, String... command) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var exec = client.pods().inNamespace(namespace).withName(pod).inContainer(container);
        try (ExecWatch watch = (in == null ? exec.writingOutput(out).writingError(err).exec(command)
                : exec.redirectingInput().writingOutput(out).writingError(err).exec(command))) {
            if (in != null) {
                try (OutputStream stdin = watch.getInput()) {
                    byte[] frame = new byte[(int) Math.min(STDIN_FRAME, Math.max(length, 1))];
                    for (int n; (n = in.readNBytes(frame, 0, frame.length)) > 0; ) {
                        stdin.write(frame, 0, n);
                    }
                    stdin.flush();
                }
            }
            Integer code = watch.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (code == null || code != 0) {
                throw new IllegalStateException(pod + ": " + String.join(" ", List.of(command)) + " exited with " + code
                        + ": " + err.toString(StandardCharsets.UTF_8).strip());
            }
        } catch (IOException | KubernetesClientException e) {
            // fabric8 reports a failed stdin write without the pod or the command: say both
            throw new IllegalStateException(pod + ": " + String.join(" ", List.of(command)) + " failed: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(pod + ": " + command[0] + " did not finish in " + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(pod + ": " + command[0] + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(pod + ": interrupted", e);
        }
    }

    static void archive(Path directory, Path archive) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive));
             Stream<Path> files = Files.walk(directory)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                if (file.equals(directory)) {
                    continue;
                }
                String name = directory.relativize(file).toString().replace('\\', '/');
                // name, size and time only: an entry made from the file carries its creation time as a header that
                // GNU tar in the pod warns about once per file ("unknown extended header keyword")
                boolean isDirectory = Files.isDirectory(file);
                TarArchiveEntry entry = new TarArchiveEntry(isDirectory ? name + "/" : name);
                entry.setModTime(Files.getLastModifiedTime(file));
                if (!isDirectory) {
                    entry.setSize(Files.size(file));
                }
                tar.putArchiveEntry(entry);
                if (Files.isRegularFile(file)) {
                    Files.copy(file, tar);
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }

    /** Every entry lands under {@code to}: a name that would leave it is refused. */
    static void extract(Path archive, Path to) throws IOException {
        Path root = to.toAbsolutePath().normalize();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(archive))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("archive entry " + entry.getName() + " is outside " + root);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String quote(String path) {
        return "'" + path.replace("'", "'\\''") + "'";
    }
}

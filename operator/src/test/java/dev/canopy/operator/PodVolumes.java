package dev.canopy.operator;

import dev.canopy.runtime.kubernetes.LeafFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Pods' file systems as local directories ({@code root/<pod>/<path>}), for tests without kubelets: what the fake
 * engine writes "in a pod" and what the operator copies in and out of it.
 */
final class PodVolumes implements LeafFiles {
    private final Path root;

    PodVolumes(Path root) {
        this.root = root;
    }

    Path path(String pod, String path) {
        return root.resolve(pod).resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    @Override
    public void copyOut(String pod, String from, Path to) {
        copy(path(pod, from), to);
    }

    @Override
    public void copyIn(Path from, String pod, String to) {
        copy(from, path(pod, to));
    }

    @Override
    public void delete(String pod, String directory) {
        delete(path(pod, directory));
    }

    static void copy(Path from, Path to) {
        if (!Files.isDirectory(from)) {
            throw new IllegalStateException("no directory " + from);
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

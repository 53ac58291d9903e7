package dev.canopy.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Backups in a directory: {@code <root>/<id>/files/...} and {@code <root>/<id>/backup.json}. */
public final class DirectoryDestination implements Destination {
    private final Path root;

    public DirectoryDestination(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return "directory " + root;
    }

    @Override
    public long upload(String id, Path directory) {
        Path files = root.resolve(id).resolve("files");
        try {
            return copyTree(directory, files);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the backup to " + files + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void download(String id, Path directory) {
        Path files = root.resolve(id).resolve("files");
        if (!Files.isDirectory(files)) {
            throw new IllegalStateException("backup " + id + " has no files in " + root);
        }
        try {
            copyTree(files, directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy backup " + id + " from " + files + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void putRecord(BackupRecord record) {
        Path file = root.resolve(record.id()).resolve(Records.FILE);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(Records.FILE + ".tmp");
            Files.write(tmp, Records.toJson(record));
            // a reader sees the old record or the new one, never half of one
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the record of backup " + record.id() + " to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<BackupRecord> record(String id) {
        Path file = root.resolve(id).resolve(Records.FILE);
        try {
            return Files.exists(file) ? Optional.of(Records.fromJson(Files.readAllBytes(file))) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public List<BackupRecord> records() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<BackupRecord> records = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                record(dir.getFileName().toString()).ifPresent(records::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        records.sort(Records.OLDEST_FIRST);
        return records;
    }

    @Override
    public void delete(String id) {
        deleteTree(root.resolve(id));
    }

    static long copyTree(Path from, Path to) throws IOException {
        long bytes = 0;
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                Files.createDirectories(target.getParent());
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                bytes += Files.size(target);
            }
        }
        return bytes;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}

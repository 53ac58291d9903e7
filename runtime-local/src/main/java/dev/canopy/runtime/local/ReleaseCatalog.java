package dev.canopy.runtime.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The engine releases this machine can run, as the build resolved them: one folder of jars per release under one of
 * {@code releasesDirs}. Nothing is downloaded at run time.
 */
public record ReleaseCatalog(List<Path> releasesDirs) {

    public ReleaseCatalog {
        releasesDirs = List.copyOf(releasesDirs);
    }

    public ReleaseCatalog(Path releasesDir) {
        this(List.of(releasesDir));
    }

    /**
     * From {@code -Dcanopy.releases.dir} (several folders separated by the platform's path separator), else
     * {@code <canopy.home>/releases}.
     */
    public static ReleaseCatalog fromSystemProperties() {
        String dirs = System.getProperty("canopy.releases.dir");
        if (dirs == null) {
            dirs = Path.of(System.getProperty("canopy.home", "."), "releases").toString();
        }
        return new ReleaseCatalog(Arrays.stream(dirs.split(File.pathSeparator)).filter(d -> !d.isBlank())
                .map(d -> Path.of(d).toAbsolutePath().normalize()).toList());
    }

    public List<String> available() {
        return releasesDirs.stream().filter(Files::isDirectory).flatMap(ReleaseCatalog::list).distinct().sorted().toList();
    }

    public boolean has(String release) {
        return folder(release).isPresent();
    }

    /** The class path of a node of this release. */
    public String classpath(String release) {
        return folder(release).map(dir -> dir + "/*").orElseThrow(() -> new IllegalArgumentException("release " + release
                + " is not installed here (" + releasesDirs + " hold " + (available().isEmpty() ? "none"
                : String.join(", ", available())) + ")"));
    }

    private Optional<Path> folder(String release) {
        return releasesDirs.stream().map(d -> d.resolve(release)).filter(Files::isDirectory).findFirst();
    }

    private static Stream<String> list(Path dir) {
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList().stream();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list releases in " + dir, e);
        }
    }
}

package dev.canopy.runtime.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The engine releases this machine can run, as the build resolved them: one folder of jars per release under
 * {@code releasesDir}. Nothing is downloaded at run time.
 */
public record ReleaseCatalog(Path releasesDir) {

    /** From {@code -Dcanopy.releases.dir}, else {@code <canopy.home>/releases}. */
    public static ReleaseCatalog fromSystemProperties() {
        String dir = System.getProperty("canopy.releases.dir");
        if (dir == null) {
            dir = Path.of(System.getProperty("canopy.home", "."), "releases").toString();
        }
        return new ReleaseCatalog(Path.of(dir).toAbsolutePath().normalize());
    }

    public List<String> available() {
        if (!Files.isDirectory(releasesDir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(releasesDir)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list releases in " + releasesDir, e);
        }
    }

    public boolean has(String release) {
        return Files.isDirectory(releasesDir.resolve(release));
    }

    /** The class path of a node of this release. */
    public String classpath(String release) {
        if (!has(release)) {
            throw new IllegalArgumentException("release " + release + " is not installed here (" + releasesDir
                    + " holds " + (available().isEmpty() ? "none" : String.join(", ", available())) + ")");
        }
        return releasesDir.resolve(release) + "/*";
    }
}

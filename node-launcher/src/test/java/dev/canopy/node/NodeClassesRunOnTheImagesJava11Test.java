package dev.canopy.node;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official apacheignite/ignite image runs its nodes on Java 11 by default, and loads this module's classes (the
 * launcher, the backup filter a table's configuration names, the change-capture consumer) into that JVM: a class
 * compiled for a newer Java fails there with UnsupportedClassVersionError, and every leaf crash-loops.
 */
class NodeClassesRunOnTheImagesJava11Test {

    private static final int JAVA_11 = 55;

    @Test
    void everyClassOfTheNodePackageIsJava11Bytecode() throws Exception {
        Path classes = Paths.get(NodeLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path nodePackage = classes.resolve(NodeLauncher.class.getPackageName().replace('.', '/'));
        Map<String, Integer> majorVersions = new TreeMap<>();
        try (Stream<Path> files = Files.walk(nodePackage)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList())) {
                majorVersions.put(classes.relativize(file).toString(), majorVersion(file));
            }
        }

        // so that an empty or misplaced directory cannot pass
        assertThat(majorVersions).containsKeys(
                "dev/canopy/node/NodeLauncher.class",
                "dev/canopy/node/CdcLauncher.class",
                "dev/canopy/node/AvailabilityGroupBackupFilter.class",
                "dev/canopy/node/ThinClientCdcConsumer.class");
        Map<String, Integer> tooNew = majorVersions.entrySet().stream()
                .filter(e -> e.getValue() > JAVA_11)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        assertThat(tooNew)
                .as("classes of %s with their class-file major version, newer than Java 11 (%d)", nodePackage, JAVA_11)
                .isEmpty();
    }

    private static int majorVersion(Path classFile) throws IOException {
        try (InputStream in = Files.newInputStream(classFile); DataInputStream data = new DataInputStream(in)) {
            assertThat(data.readInt()).as("magic number of %s", classFile).isEqualTo(0xCAFEBABE);
            data.readUnsignedShort(); // minor version
            return data.readUnsignedShort();
        }
    }
}

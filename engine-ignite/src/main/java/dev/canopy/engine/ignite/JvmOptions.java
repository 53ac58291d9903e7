package dev.canopy.engine.ignite;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The JVM flags of a node: Ignite's documented module opens for JDK 17 and later, heap, and quiet defaults. */
final class JvmOptions {
    /**
     * Ignite's documented module opens for JDK 17 and later (its page on running with Java 11 and later). One file, a
     * java argument file, read here for the nodes and passed as {@code @file} by the build's test JVMs and by the
     * {@code canopy} script, so the list lives in one place.
     */
    static final List<String> IGNITE_OPENS = readOpens();

    private static List<String> readOpens() {
        try (InputStream in = JvmOptions.class.getResourceAsStream("ignite-jvm-opens.args")) {
            if (in == null) {
                throw new IllegalStateException("ignite-jvm-opens.args is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(line -> !line.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ignite-jvm-opens.args", e);
        }
    }

    private JvmOptions() {
    }

    static List<String> forNode(int heapMb) {
        List<String> options = new ArrayList<>(IGNITE_OPENS);
        options.add("-Xms" + heapMb + "m");
        options.add("-Xmx" + heapMb + "m");
        if (Runtime.version().feature() >= 23) {
            // nodes run on the platform's JDK; from 23 on it warns on every use of sun.misc.Unsafe, which Ignite needs
            options.add("--sun-misc-unsafe-memory-access=allow");
            options.add("--enable-native-access=ALL-UNNAMED");
        }
        options.add("-XX:+UseG1GC");
        options.add("-XX:+ExitOnOutOfMemoryError");
        options.add("-Djava.net.preferIPv4Stack=true");
        options.add("-DIGNITE_UPDATE_NOTIFIER=false");
        options.add("-DIGNITE_NO_ASCII=true");
        options.add("-DIGNITE_QUIET=false");
        options.add("-DIGNITE_PERFORMANCE_SUGGESTIONS_DISABLED=true");
        return options;
    }
}

package dev.canopy.runtime.kubernetes;

import java.util.List;

/**
 * The engine renders JVM flags for the JDK the platform runs on (locally, nodes share it); a node image brings its own
 * JDK, possibly older, and a JVM refuses to start on a flag it does not know. The flags only JDK 23 and later know are
 * dropped: they silence warnings there and are not needed anywhere.
 */
public final class ImageJvmOptions {
    private static final List<String> NEWER_JDK_ONLY = List.of("--sun-misc-unsafe-memory-access=", "--enable-native-access=");

    private ImageJvmOptions() {
    }

    public static List<String> of(List<String> rendered) {
        return rendered.stream().filter(option -> NEWER_JDK_ONLY.stream().noneMatch(option::startsWith)).toList();
    }
}

package dev.canopy.core;

import java.util.List;
import java.util.Map;

/**
 * How to run a node, as its engine rendered it: the release whose binaries run it, JVM options, the files to write
 * into its work directory (name to content) and the arguments of its launcher. {@code fingerprint} changes exactly
 * when something that needs a restart changes.
 */
public record NodeLaunch(String release, List<String> jvmOptions, Map<String, String> files, List<String> arguments,
                         String fingerprint) {

    public NodeLaunch {
        jvmOptions = List.copyOf(jvmOptions);
        files = Map.copyOf(files);
        arguments = List.copyOf(arguments);
    }
}

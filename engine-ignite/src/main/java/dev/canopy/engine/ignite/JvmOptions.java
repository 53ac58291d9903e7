package dev.canopy.engine.ignite;

import java.util.ArrayList;
import java.util.List;

/** The JVM flags of a node: Ignite's documented module opens for JDK 17 and later, heap, and quiet defaults. */
final class JvmOptions {
    /** From Ignite's page on running with Java 11 and later. */
    static final List<String> IGNITE_OPENS = List.of(
            "--add-opens=java.base/jdk.internal.access=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "--add-opens=java.management/com.sun.jmx.mbeanserver=ALL-UNNAMED",
            "--add-opens=jdk.internal.jvmstat/sun.jvmstat.monitor=ALL-UNNAMED",
            "--add-opens=java.base/sun.reflect.generics.reflectiveObjects=ALL-UNNAMED",
            "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.math=ALL-UNNAMED",
            "--add-opens=java.sql/java.sql=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.management/sun.management=ALL-UNNAMED",
            "--add-opens=java.desktop/java.awt.font=ALL-UNNAMED");

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

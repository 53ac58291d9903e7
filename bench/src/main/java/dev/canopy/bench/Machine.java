package dev.canopy.bench;

/** What a result was measured on: figures from different machines are not comparable. */
public record Machine(int cores, long memoryMb, String jdk, String os) {

    public static Machine current() {
        long memoryBytes = ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return new Machine(Runtime.getRuntime().availableProcessors(), memoryBytes / (1024 * 1024),
                System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }
}

package dev.canopy.core.autoscaling;

/**
 * One leaf as one telemetry reading saw it; a measure the runtime or the engine did not give is null.
 *
 * @param leaf             the leaf's name, e.g. {@code leaf-ag1-0}
 * @param storageUsedBytes what its storage takes. Measured against the spec's {@code storageGB}, not a limit the
 *                         runtime reports: a volume's reported size lags its expansion, and would grow it twice
 * @param cpuPercent       its CPU use, 0 to 100
 * @param heapPercent      its heap use, of its maximum heap, 0 to 100
 */
public record LeafReading(String leaf, Long storageUsedBytes, Double cpuPercent, Double heapPercent) {
}

package dev.canopy.controlplane.clusters;

/** POST /clusters/{name}/resize: new counts or heights; what is left out stays as it is. */
public record ResizeRequest(Size aggregators, Size leaves) {
    public record Size(Integer count, Double height) {
    }
}

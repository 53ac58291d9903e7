package dev.canopy.controlplane.clusters;

import java.util.List;

/** {@code GET /clusters}: a page of clusters by name; {@code next} is the cursor of the next page, null on the last. */
public record ClusterPage(List<ClusterView> items, String next) {
}

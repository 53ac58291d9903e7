package dev.canopy.region.local;

import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.core.Step;

/** Hears what the region does, to show progress (the CLI prints each step and each change of phase). */
public interface RegionListener {
    default void stepTaken(String cluster, Step step) {
    }

    default void statusChanged(String cluster, DatabaseClusterStatus before, DatabaseClusterStatus after) {
    }

    default void deleted(String cluster) {
    }

    default void failed(String cluster, String message) {
    }
}

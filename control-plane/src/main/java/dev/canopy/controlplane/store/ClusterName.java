package dev.canopy.controlplane.store;

/** A cluster record's name in its organization (names are unique per organization only). */
public record ClusterName(String organization, String name) {
}

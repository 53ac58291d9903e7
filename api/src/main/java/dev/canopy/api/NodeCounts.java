package dev.canopy.api;

public record NodeCounts(int ready, int total) {
}

package dev.canopy.controlplane.store;

import java.time.Instant;

public record Organization(String name, Instant createdAt) {
}

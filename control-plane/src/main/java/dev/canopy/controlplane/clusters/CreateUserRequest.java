package dev.canopy.controlplane.clusters;

/** {@code POST /clusters/{name}/users}: the user to make; the platform generates its password. */
public record CreateUserRequest(String name) {
}

package dev.canopy.runtime.kubernetes;

/** Every pod has its own address, so every node uses the engine's default ports. */
public final class Ports {
    public static final int DISCOVERY = 47500;
    public static final int COMMUNICATION = 47100;
    public static final int SQL = 10800;
    /** Where the engine answers the readiness probe (engine-ignite's HealthEndpoint.PORT). */
    public static final int HEALTH = 8080;

    private Ports() {
    }
}

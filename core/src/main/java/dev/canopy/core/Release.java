package dev.canopy.core;

/**
 * A release names the engine version it runs ({@code 2.17.0}), optionally followed by a Canopy build of it
 * ({@code 2.17.0-canopy.2}). Ignite refuses to mix engine versions in one cluster, so only releases of the same engine
 * version can be rolled node by node.
 */
public final class Release {

    private Release() {
    }

    public static String engineVersion(String release) {
        int dash = release.indexOf('-');
        return dash < 0 ? release : release.substring(0, dash);
    }

    public static boolean sameEngine(String a, String b) {
        return engineVersion(a).equals(engineVersion(b));
    }
}

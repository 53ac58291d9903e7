package dev.canopy.core;

/** What a failure comes down to, for conditions and log lines that must name the cause in one phrase. */
public final class Causes {

    private Causes() {
    }

    /** The message of the innermost cause (its class name when it has none): wrappers add nothing a reader needs. */
    public static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}

package dev.canopy.controlplane.clusters;

import dev.canopy.controlplane.problem.ProblemException;

/** ETags are the record's resource version in quotes; If-Match holds one or more of them, or {@code *}. */
public final class IfMatch {
    private IfMatch() {
    }

    public static String etag(long resourceVersion) {
        return "\"" + resourceVersion + "\"";
    }

    /** A 412 unless the header is absent, {@code *}, or names the current version. */
    public static void check(String header, long currentVersion) {
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return;
        }
        for (String tag : header.split(",")) {
            String t = tag.trim();
            // a weak tag compares equal too: the version is the same either way
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals(etag(currentVersion))) {
                return;
            }
        }
        throw ProblemException.preconditionFailed("If-Match " + header + " does not match the cluster's current ETag "
                + etag(currentVersion) + ": it changed since you read it; read it again and retry");
    }
}

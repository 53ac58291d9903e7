package dev.canopy.api;

/**
 * What the CRD refuses of a cluster on an engine older than the platform's own (2.17): a change of its leaves' count.
 * The platform adds and removes leaves with its own engine's control utility, whose calls an older engine refuses;
 * core's {@code ReleaseChanges} decides it for every other entry point (the control plane, the local store, the
 * operator), and a test there keeps this rule and it in agreement.
 */
public final class OlderEngineChanges {
    /**
     * A release older than 2.17 (majors 0 and 1, 2.0 to 2.16), as a regular expression that means the same in CEL's
     * RE2 and in Java. Character classes, not backslashes: a backslash is an escape in a CEL string literal too.
     */
    public static final String OLDER_THAN_PLATFORM = "^([01][.]|2[.]([0-9]|1[0-6])[.])";
    /** The CRD's transition rule: on such a release, {@code leaves.count} stays what it was. */
    public static final String CEL_RULE = "!self.release.matches('" + OLDER_THAN_PLATFORM + "')"
            + " || self.leaves.count == oldSelf.leaves.count";
    public static final String CEL_MESSAGE = "spec.leaves.count: the leaves cannot be added or removed on a release older"
            + " than 2.17.0: the platform drives them with the control utility of 2.17.0, whose calls an older engine"
            + " refuses; upgrade the cluster to 2.17.0 first";

    private OlderEngineChanges() {
    }
}

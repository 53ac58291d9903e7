package dev.canopy.api;

/** The bounds of a valid spec, shared by the CRD's schema annotations and {@link SpecValidator}. */
public final class Limits {
    public static final String RELEASE_PATTERN = "^[0-9]+\\.[0-9]+\\.[0-9]+$";
    public static final String NAME_PATTERN = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
    public static final int MAX_NAME_LENGTH = 40;
    public static final String STORAGE_CLASS_PATTERN = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";
    public static final long MIN_REDUNDANCY = 1;
    public static final long MAX_REDUNDANCY = 2;
    public static final long MIN_AGGREGATORS = 1;
    public static final long MAX_AGGREGATORS = 32;
    public static final long MIN_LEAVES = 1;
    public static final long MAX_LEAVES = 64;
    public static final double MIN_HEIGHT = 0.25;
    public static final double MAX_HEIGHT = 64;
    public static final long MIN_STORAGE_GB = 1;
    public static final long MAX_STORAGE_GB = 65536;

    private Limits() {
    }
}

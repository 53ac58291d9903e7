package dev.canopy.api;

/** The bounds of a valid spec, shared by the CRD's schema annotations and {@link SpecValidator}. */
public final class Limits {
    public static final String UPGRADE_STRATEGY_PATTERN = "^(BlueGreen|CoordinatedRestart)$";
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

    /** A backup schedule: every N minutes, hours or days. */
    public static final String INTERVAL_PATTERN = "^[1-9][0-9]{0,4}[mhd]$";
    public static final long MIN_RETENTION = 1;
    public static final long MAX_RETENTION = 1000;
    public static final String ABSOLUTE_PATH_PATTERN = "^/.*$";
    public static final String URL_PATTERN = "^https?://[^\\s/]+(/.*)?$";
    /** S3's bucket naming rules, without the IP-address exclusion. */
    public static final String BUCKET_PATTERN = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";
    public static final String PREFIX_PATTERN = "^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$";
    public static final String REGION_PATTERN = "^[a-z0-9-]+$";

    /** A duration of autoscaling: a number and a unit, s, m, h or d (see {@link Durations}). */
    public static final String DURATION_PATTERN = "^[1-9][0-9]{0,4}[smhd]$";
    /** A time of day, HH:MM, 00:00 to 23:59. */
    public static final String TIME_OF_DAY_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9]$";
    public static final long MIN_THRESHOLD_PERCENT = 1;
    public static final long MAX_THRESHOLD_PERCENT = 99;
    public static final long MIN_STEP_PERCENT = 1;
    public static final long MAX_STEP_PERCENT = 1000;
    public static final long MIN_TARGET_PERCENT = 1;
    public static final long MAX_TARGET_PERCENT = 100;
    public static final long MIN_QUERIES_PER_SECOND = 1;
    public static final long MAX_QUERIES_PER_SECOND = 10_000_000;

    private Limits() {
    }
}

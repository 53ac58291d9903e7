package dev.canopy.api;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The allow-list of {@code spec.config}: engine settings a user may change. Each one says how a value is checked,
 * so that a bad value is refused before anything is touched.
 */
public enum EngineSetting {
    failureDetectionTimeoutMs("how long a silent node is waited for before it is dropped, in ms") {
        @Override
        Optional<String> check(String value) {
            return rangeCheck(value, 1_000, 120_000);
        }
    },
    checkpointFrequencyMs("how often leaves write a checkpoint of their pages, in ms") {
        @Override
        Optional<String> check(String value) {
            return rangeCheck(value, 1_000, 3_600_000);
        }
    },
    walMode("durability of the write-ahead log: FSYNC, LOG_ONLY or BACKGROUND") {
        @Override
        Optional<String> check(String value) {
            return Set.of("FSYNC", "LOG_ONLY", "BACKGROUND").contains(value)
                    ? Optional.empty()
                    : Optional.of("must be one of FSYNC, LOG_ONLY, BACKGROUND, got " + value);
        }
    },
    sqlQueryTimeoutMs("default timeout of a SQL query, in ms; 0 means none") {
        @Override
        Optional<String> check(String value) {
            return rangeCheck(value, 0, 86_400_000);
        }
    },
    cdcWalForceArchiveTimeoutMs("makes the cluster a replication source: leaves capture changes (CDC) and archive their"
            + " write-ahead log at least this often, in ms, which bounds the replication lag (shorter costs write"
            + " throughput); absent means no change capture") {
        @Override
        Optional<String> check(String value) {
            return rangeCheck(value, 100, 60_000);
        }
    };

    /** The allow-list as a CEL rule of the CRD; a test keeps it equal to the constants. */
    public static final String CEL_ALLOWED_KEYS =
            "self.all(k, k in ['failureDetectionTimeoutMs', 'checkpointFrequencyMs', 'walMode', 'sqlQueryTimeoutMs',"
                    + " 'cdcWalForceArchiveTimeoutMs'])";

    private final String description;

    EngineSetting(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The reason a value is refused, or empty when it is acceptable. */
    abstract Optional<String> check(String value);

    public static Optional<EngineSetting> byKey(String key) {
        return Arrays.stream(values()).filter(s -> s.name().equals(key)).findFirst();
    }

    public static String keys() {
        return String.join(", ", Arrays.stream(values()).map(Enum::name).toList());
    }

    private static Optional<String> rangeCheck(String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            return Optional.of("must be a whole number from " + min + " to " + max + ", got " + value);
        }
        return parsed < min || parsed > max
                ? Optional.of("must be from " + min + " to " + max + ", got " + value)
                : Optional.empty();
    }
}

package dev.canopy.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every rule a spec must meet, one message per problem, each naming the field and the reason. The CRD's schema
 * carries the same bounds (see {@link Limits}); this class is what every entry point runs before touching anything.
 */
public final class SpecValidator {

    private SpecValidator() {
    }

    public static List<String> validateName(String name) {
        List<String> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add("metadata.name: is required");
        } else if (name.length() > Limits.MAX_NAME_LENGTH) {
            problems.add("metadata.name: must be at most " + Limits.MAX_NAME_LENGTH + " characters, got " + name.length());
        } else if (!name.matches(Limits.NAME_PATTERN)) {
            problems.add("metadata.name: must start with a lower-case letter and hold only lower-case letters, digits and '-', got " + name);
        }
        return problems;
    }

    public static List<String> validate(DatabaseClusterSpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec == null) {
            problems.add("spec: is required");
            return problems;
        }
        if (spec.release() == null) {
            problems.add("spec.release: is required");
        } else if (!spec.release().matches(Limits.RELEASE_PATTERN)) {
            problems.add("spec.release: must be a version like 2.17.0, got " + spec.release());
        }
        if (spec.redundancyLevel() == null) {
            problems.add("spec.redundancyLevel: is required");
        } else if (spec.redundancyLevel() < Limits.MIN_REDUNDANCY || spec.redundancyLevel() > Limits.MAX_REDUNDANCY) {
            problems.add("spec.redundancyLevel: must be 1 or 2, got " + spec.redundancyLevel());
        }
        if (spec.aggregators() == null) {
            problems.add("spec.aggregators: is required");
        } else {
            count(problems, "spec.aggregators.count", spec.aggregators().count(), Limits.MIN_AGGREGATORS, Limits.MAX_AGGREGATORS);
            height(problems, "spec.aggregators.height", spec.aggregators().height());
        }
        if (spec.leaves() == null) {
            problems.add("spec.leaves: is required");
        } else {
            LeavesSpec leaves = spec.leaves();
            count(problems, "spec.leaves.count", leaves.count(), Limits.MIN_LEAVES, Limits.MAX_LEAVES);
            height(problems, "spec.leaves.height", leaves.height());
            count(problems, "spec.leaves.storageGB", leaves.storageGB(), Limits.MIN_STORAGE_GB, Limits.MAX_STORAGE_GB);
            if (leaves.storageClass() != null && !leaves.storageClass().matches(Limits.STORAGE_CLASS_PATTERN)) {
                problems.add("spec.leaves.storageClass: must be a Kubernetes object name (lower-case letters, digits, '-', '.'), got "
                        + leaves.storageClass());
            }
        }
        for (Map.Entry<String, String> setting : spec.config().entrySet()) {
            String field = "spec.config." + setting.getKey();
            EngineSetting.byKey(setting.getKey()).ifPresentOrElse(
                    known -> known.check(setting.getValue()).ifPresent(reason -> problems.add(field + ": " + reason)),
                    () -> problems.add(field + ": not an allowed engine setting; allowed: " + EngineSetting.keys()));
        }
        if (spec.upgradeStrategy() != null && !spec.upgradeStrategy().matches(Limits.UPGRADE_STRATEGY_PATTERN)) {
            problems.add("spec.upgradeStrategy: must be " + DatabaseClusterSpec.BLUE_GREEN + " or "
                    + DatabaseClusterSpec.COORDINATED_RESTART + ", got " + spec.upgradeStrategy());
        }
        if (spec.replicaOf() != null) {
            ReplicaOfSpec source = spec.replicaOf();
            if (source.cluster() == null) {
                problems.add("spec.replicaOf.cluster: is required");
            } else if (!source.cluster().matches(Limits.NAME_PATTERN)) {
                problems.add("spec.replicaOf.cluster: must be a cluster name (lower-case letters, digits and '-'), got " + source.cluster());
            }
            if (source.region() != null && !source.region().matches(Limits.REGION_PATTERN)) {
                problems.add("spec.replicaOf.region: must be a region name (lower-case letters, digits and '-'), got " + source.region());
            }
        }
        if (spec.backup() != null) {
            validate(spec.backup(), problems);
        }
        if (spec.crossRegion() != null) {
            problems.addAll(spec.crossRegion().problems());
        }
        return problems;
    }

    private static void validate(BackupSpec backup, List<String> problems) {
        if (backup.schedule() != null && !backup.schedule().matches(Limits.INTERVAL_PATTERN)) {
            problems.add("spec.backup.schedule: must be a number and a unit, m (minutes), h (hours) or d (days), like 30m, 6h or 1d, got "
                    + backup.schedule());
        }
        if (backup.retention() != null) {
            count(problems, "spec.backup.retention", backup.retention(), Limits.MIN_RETENTION, Limits.MAX_RETENTION);
        }
        BackupDestinationSpec destination = backup.destination();
        if (destination == null) {
            return;
        }
        if ((destination.directory() == null) == (destination.s3() == null)) {
            problems.add("spec.backup.destination: give exactly one of directory and s3");
        }
        if (destination.directory() != null && !destination.directory().matches(Limits.ABSOLUTE_PATH_PATTERN)) {
            problems.add("spec.backup.destination.directory: must be an absolute path, got " + destination.directory());
        }
        S3DestinationSpec s3 = destination.s3();
        if (s3 != null) {
            if (s3.bucket() == null) {
                problems.add("spec.backup.destination.s3.bucket: is required");
            } else if (!s3.bucket().matches(Limits.BUCKET_PATTERN)) {
                problems.add("spec.backup.destination.s3.bucket: must be 3 to 63 lower-case letters, digits, '.' and '-', got " + s3.bucket());
            }
            if (s3.endpoint() != null && !s3.endpoint().matches(Limits.URL_PATTERN)) {
                problems.add("spec.backup.destination.s3.endpoint: must be an http:// or https:// URL, got " + s3.endpoint());
            }
            if (s3.prefix() != null && !s3.prefix().matches(Limits.PREFIX_PATTERN)) {
                problems.add("spec.backup.destination.s3.prefix: must be key segments separated by '/', without a leading or trailing '/', got "
                        + s3.prefix());
            }
            if (s3.region() != null && !s3.region().matches(Limits.REGION_PATTERN)) {
                problems.add("spec.backup.destination.s3.region: must be lower-case letters, digits and '-', like eu-west-1, got " + s3.region());
            }
            if (s3.credentialsSecret() != null && !s3.credentialsSecret().matches(Limits.NAME_PATTERN)) {
                problems.add("spec.backup.destination.s3.credentialsSecret: must be a secret's name (lower-case letters, digits and '-'), got "
                        + s3.credentialsSecret());
            }
        }
    }

    private static void count(List<String> problems, String field, Integer value, long min, long max) {
        if (value == null) {
            problems.add(field + ": is required");
        } else if (value < min || value > max) {
            problems.add(field + ": must be from " + min + " to " + max + ", got " + value);
        }
    }

    private static void height(List<String> problems, String field, Double value) {
        if (value == null) {
            problems.add(field + ": is required");
        } else if (value.isNaN() || value < Limits.MIN_HEIGHT || value > Limits.MAX_HEIGHT) {
            problems.add(field + ": must be from " + Limits.MIN_HEIGHT + " to " + (int) Limits.MAX_HEIGHT + ", got " + value);
        } else if (Math.round(value * 4) != value * 4) {
            problems.add(field + ": must be a multiple of 0.25, got " + value);
        }
    }
}

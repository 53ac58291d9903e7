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
        if (spec.autoscaling() != null) {
            validate(spec.autoscaling(), spec, problems);
        }
        return problems;
    }

    private static void validate(AutoscalingSpec autoscaling, DatabaseClusterSpec spec, List<String> problems) {
        StorageAutoscaling storage = autoscaling.storage();
        if (storage != null) {
            optionalCount(problems, "spec.autoscaling.storage.thresholdPercent", storage.thresholdPercent(),
                    Limits.MIN_THRESHOLD_PERCENT, Limits.MAX_THRESHOLD_PERCENT);
            optionalCount(problems, "spec.autoscaling.storage.stepPercent", storage.stepPercent(),
                    Limits.MIN_STEP_PERCENT, Limits.MAX_STEP_PERCENT);
            count(problems, "spec.autoscaling.storage.maxStorageGB", storage.maxStorageGB(), Limits.MIN_STORAGE_GB, Limits.MAX_STORAGE_GB);
            Integer current = spec.leaves() == null ? null : spec.leaves().storageGB();
            if (storage.maxStorageGB() != null && current != null && storage.maxStorageGB() < current) {
                // storage never shrinks: a maximum below what the leaves have could never be met
                problems.add("spec.autoscaling.storage.maxStorageGB: must be at least spec.leaves.storageGB (" + current
                        + "), got " + storage.maxStorageGB());
            }
        }
        ComputeAutoscaling compute = autoscaling.compute();
        if (compute != null) {
            validate(compute, spec, problems);
        }
        if (autoscaling.suspendAfterIdle() != null) {
            String field = "spec.autoscaling.suspendAfterIdle";
            if (duration(problems, field, autoscaling.suspendAfterIdle())
                    && Durations.parse(autoscaling.suspendAfterIdle()).compareTo(AutoscalingSpec.MIN_SUSPEND_AFTER_IDLE) < 0) {
                // shorter, and a pause between two statements of one client would stop the cluster under it
                problems.add(field + ": must be at least 60s, got " + autoscaling.suspendAfterIdle());
            }
            if (spec.replicaOf() != null) {
                problems.add(field + ": a replica takes no statements of its own and must keep taking its source's changes;"
                        + " not with spec.replicaOf");
            }
        }
    }

    private static void validate(ComputeAutoscaling compute, DatabaseClusterSpec spec, List<String> problems) {
        String prefix = "spec.autoscaling.compute.";
        // a leaf in each availability group is what redundancy 2 needs (each group holds a copy of every partition),
        // and all redundancy 1 needs: Limits.MIN_LEAVES per group, as for spec.leaves.count
        count(problems, prefix + "minLeaves", compute.minLeaves(), Limits.MIN_LEAVES, Limits.MAX_LEAVES);
        count(problems, prefix + "maxLeaves", compute.maxLeaves(), Limits.MIN_LEAVES, Limits.MAX_LEAVES);
        boolean bounds = compute.minLeaves() != null && compute.maxLeaves() != null;
        if (bounds && compute.maxLeaves() < compute.minLeaves()) {
            problems.add(prefix + "maxLeaves: must be at least minLeaves (" + compute.minLeaves() + "), got " + compute.maxLeaves());
        } else if (bounds && spec.leaves() != null && spec.leaves().count() != null
                && (spec.leaves().count() < compute.minLeaves() || spec.leaves().count() > compute.maxLeaves())) {
            problems.add("spec.leaves.count: must be from spec.autoscaling.compute.minLeaves (" + compute.minLeaves()
                    + ") to maxLeaves (" + compute.maxLeaves() + "), got " + spec.leaves().count());
        }
        optionalCount(problems, prefix + "cpuPercent", compute.cpuPercent(), Limits.MIN_TARGET_PERCENT, Limits.MAX_TARGET_PERCENT);
        optionalCount(problems, prefix + "heapPercent", compute.heapPercent(), Limits.MIN_TARGET_PERCENT, Limits.MAX_TARGET_PERCENT);
        optionalCount(problems, prefix + "queriesPerSecondPerLeaf", compute.queriesPerSecondPerLeaf(),
                Limits.MIN_QUERIES_PER_SECOND, Limits.MAX_QUERIES_PER_SECOND);
        boolean out = compute.scaleOutAfter() == null || duration(problems, prefix + "scaleOutAfter", compute.scaleOutAfter());
        boolean in = compute.scaleInAfter() == null || duration(problems, prefix + "scaleInAfter", compute.scaleInAfter());
        if (compute.coolDown() != null) {
            duration(problems, prefix + "coolDown", compute.coolDown());
        }
        if (out && in && compute.scaleInAfterDuration().compareTo(compute.scaleOutAfterDuration()) <= 0) {
            // a removal moves data, and a load that comes back moves it again: the evidence for it must be longer
            problems.add(prefix + "scaleInAfter: must be longer than scaleOutAfter ("
                    + Durations.describe(compute.scaleOutAfterDuration()) + "), got "
                    + Durations.describe(compute.scaleInAfterDuration()));
        }
        MaintenanceWindow window = compute.maintenanceWindow();
        if (window != null) {
            if (window.start() == null) {
                problems.add(prefix + "maintenanceWindow.start: is required");
            } else if (!window.start().matches(Limits.TIME_OF_DAY_PATTERN)) {
                problems.add(prefix + "maintenanceWindow.start: must be a time of day in UTC as HH:MM, like 02:00, got " + window.start());
            }
            if (window.duration() == null) {
                problems.add(prefix + "maintenanceWindow.duration: is required");
            } else if (duration(problems, prefix + "maintenanceWindow.duration", window.duration())
                    && Durations.parse(window.duration()).compareTo(java.time.Duration.ofDays(1)) > 0) {
                problems.add(prefix + "maintenanceWindow.duration: must be at most 1d (the window opens every day), got "
                        + window.duration());
            }
        }
    }

    /** Whether the text is a duration; when not, says so. */
    private static boolean duration(List<String> problems, String field, String text) {
        if (text.matches(Limits.DURATION_PATTERN)) {
            return true;
        }
        problems.add(field + ": must be a number and a unit, s (seconds), m (minutes), h (hours) or d (days), like 90s, 5m or 1h, got "
                + text);
        return false;
    }

    private static void optionalCount(List<String> problems, String field, Integer value, long min, long max) {
        if (value != null) {
            count(problems, field, value, min, max);
        }
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

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
        return problems;
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

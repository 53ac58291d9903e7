package dev.canopy.controlplane.clusters;

import dev.canopy.controlplane.problem.FieldProblem;
import dev.canopy.controlplane.problem.ProblemException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * What {@code GET /clusters} asks for: at most {@code limit} clusters, by name, after the cursor's name, of one region,
 * in one phase, with names starting with a prefix (each filter optional).
 */
public record ClusterQuery(int limit, String after, String region, String phase, String prefix) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    /** The phases a cluster shows: the region's, or Pending before the region has told one. */
    private static final Set<String> PHASES = java.util.stream.Stream.concat(java.util.stream.Stream.of(ClusterView.PENDING),
            java.util.Arrays.stream(dev.canopy.api.Phase.values()).map(Enum::name)).collect(java.util.stream.Collectors.toSet());

    /** Parses the query parameters, refusing each bad one with its field and why (400). */
    public static ClusterQuery parse(String limit, String cursor, String region, String phase, String prefix) {
        List<FieldProblem> problems = new ArrayList<>();
        int n = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_LIMIT) {
                problems.add(new FieldProblem("limit", "must be a whole number from 1 to " + MAX_LIMIT + ", got " + limit));
            }
        }
        String after = null;
        if (cursor != null) {
            try {
                after = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem("cursor", "is not a cursor this API gave (the next of an earlier page)"));
            }
        }
        if (phase != null && !PHASES.contains(phase)) {
            problems.add(new FieldProblem("phase", "must be one of " + String.join(", ", PHASES.stream().sorted().toList())
                    + ", got " + phase));
        }
        if (!problems.isEmpty()) {
            throw ProblemException.badRequest("bad query", problems);
        }
        return new ClusterQuery(n, after, blankToNull(region), phase, blankToNull(prefix));
    }

    /** The cursor of the page after the one ending with this name: opaque to clients. */
    static String cursorAfter(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}

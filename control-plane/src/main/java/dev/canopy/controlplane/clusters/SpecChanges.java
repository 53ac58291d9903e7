package dev.canopy.controlplane.clusters;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.SpecValidator;
import dev.canopy.controlplane.problem.FieldProblem;
import dev.canopy.controlplane.problem.ProblemException;
import dev.canopy.controlplane.region.RegionNames;

import java.util.ArrayList;
import java.util.List;

/** Every operation as a pure change of the spec, and the checks a new spec must pass before anything is stored. */
public final class SpecChanges {
    private SpecChanges() {
    }

    /** The spec a create asks for; {@code replicaOf} still in the organization's names (see {@link ReplicaSources}). */
    public static DatabaseClusterSpec created(CreateClusterRequest request) {
        return new DatabaseClusterSpec(request.release(), request.redundancyLevel(), request.aggregators(),
                request.leaves(), request.config(), null, request.backup(), request.upgradeStrategy(), request.replicaOf(),
                request.crossRegion(), request.autoscaling());
    }

    public static DatabaseClusterSpec resized(DatabaseClusterSpec spec, ResizeRequest request) {
        if (request.aggregators() == null && request.leaves() == null) {
            throw ProblemException.invalid(List.of(new FieldProblem("aggregators",
                    "give aggregators and/or leaves, each with a count and/or a height")));
        }
        AggregatorsSpec aggregators = spec.aggregators();
        if (request.aggregators() != null) {
            aggregators = new AggregatorsSpec(
                    orElse(request.aggregators().count(), aggregators.count()),
                    orElse(request.aggregators().height(), aggregators.height()));
        }
        LeavesSpec leaves = spec.leaves();
        if (request.leaves() != null) {
            leaves = new LeavesSpec(orElse(request.leaves().count(), leaves.count()),
                    orElse(request.leaves().height(), leaves.height()), leaves.storageGB(), leaves.storageClass());
        }
        return new DatabaseClusterSpec(spec.release(), spec.redundancyLevel(), aggregators, leaves, spec.config(), spec.suspended(),
                spec.backup(), spec.upgradeStrategy(), spec.replicaOf(), spec.crossRegion(), spec.autoscaling());
    }

    /** Removes the source: the region promotes the replica (and fences the source when it can reach it). */
    public static DatabaseClusterSpec promoted(String name, DatabaseClusterSpec spec) {
        if (spec.replicaOf() == null) {
            throw ProblemException.conflict("cluster " + name + " is no replica (its spec has no replicaOf): nothing to promote");
        }
        return spec.withReplicaOf(null);
    }

    public static DatabaseClusterSpec upgraded(DatabaseClusterSpec spec, UpgradeRequest request) {
        return spec.withRelease(request.release())
                .withUpgradeStrategy(request.strategy() == null ? spec.upgradeStrategy() : request.strategy());
    }

    /** The name's and the spec's problems, each naming its request field; empty when both are fine. */
    public static List<FieldProblem> problems(String name, DatabaseClusterSpec spec) {
        List<FieldProblem> problems = new ArrayList<>();
        SpecValidator.validateName(name).stream().map(FieldProblem::fromSpecMessage).forEach(problems::add);
        if (problems.isEmpty() && name.length() > RegionNames.MAX_CLUSTER_NAME_LENGTH) {
            problems.add(new FieldProblem("name", "must be at most " + RegionNames.MAX_CLUSTER_NAME_LENGTH
                    + " characters, got " + name.length()));
        }
        SpecValidator.validate(spec).stream().map(FieldProblem::fromSpecMessage).forEach(problems::add);
        return problems;
    }

    private static <T> T orElse(T value, T otherwise) {
        return value != null ? value : otherwise;
    }
}

package dev.canopy.controlplane.region;

import dev.canopy.controlplane.problem.FieldProblem;
import dev.canopy.controlplane.problem.ProblemException;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The regions this control plane offers, by name: the built-in ones given at start and the Kubernetes regions
 * registered through the API, which come and go while requests read the registry (hence synchronized).
 */
public final class Regions {
    private final Map<String, Region> byName = new LinkedHashMap<>();

    public Regions(List<Region> regions) {
        for (Region region : regions) {
            if (byName.putIfAbsent(region.name(), region) != null) {
                throw new IllegalArgumentException("two regions named " + region.name());
            }
        }
    }

    /** The region a request named; a 422 naming the field {@code region} if there is none of that name. */
    public synchronized Region require(String name) {
        Region region = byName.get(name);
        if (region == null) {
            throw ProblemException.invalid(List.of(new FieldProblem("region",
                    "no region named " + name + "; regions: " + String.join(", ", byName.keySet()))));
        }
        return region;
    }

    /** The region a stored cluster lives in. */
    public synchronized Region of(String name) {
        Region region = byName.get(name);
        if (region == null) {
            throw new IllegalStateException("a stored cluster names region " + name + ", which this platform does not have");
        }
        return region;
    }

    public synchronized Collection<Region> all() {
        return List.copyOf(byName.values());
    }

    public synchronized Optional<Region> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Adds a region; false (and nothing changed) if one of that name is there already. */
    public synchronized boolean add(Region region) {
        return byName.putIfAbsent(region.name(), region) == null;
    }

    public synchronized Optional<Region> remove(String name) {
        return Optional.ofNullable(byName.remove(name));
    }
}

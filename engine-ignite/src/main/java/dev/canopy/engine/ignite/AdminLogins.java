package dev.canopy.engine.ignite;

import dev.canopy.core.Topology;

/** The platform's login to a cluster as the engine adapter decided it (see {@link IgniteEngine}): for its helpers. */
@FunctionalInterface
interface AdminLogins {
    Credentials of(Topology cluster);
}

package dev.canopy.controlplane.auth;

import dev.canopy.controlplane.problem.ProblemException;
import dev.canopy.controlplane.store.Role;

/** Who is asking: the organization and role of the key that came with the request. */
public record Principal(String organization, String keyId, Role role) {

    public void requireClusterChanges() {
        if (!role.mayChangeClusters()) {
            throw ProblemException.forbidden("key " + keyId + " is a " + role + " key, which may only read");
        }
    }

    public void requireAdmin() {
        if (!role.mayManageKeys()) {
            throw ProblemException.forbidden("key " + keyId + " is a " + role + " key; only an admin key may do this");
        }
    }
}

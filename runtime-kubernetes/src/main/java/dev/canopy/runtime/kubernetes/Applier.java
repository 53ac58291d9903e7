package dev.canopy.runtime.kubernetes;

import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

/**
 * Writes desired objects, nothing more: server-side apply with Canopy's field manager (taking over fields another
 * manager set, since the operator owns these objects), or, where the API server cannot apply (fabric8's mock server),
 * create-or-update of the whole object.
 */
public final class Applier {
    private final KubernetesClient client;
    private final boolean serverSideApply;

    public Applier(KubernetesClient client, boolean serverSideApply) {
        this.client = client;
        this.serverSideApply = serverSideApply;
    }

    public <T extends HasMetadata> T apply(T desired) {
        if (serverSideApply) {
            return client.resource(desired).fieldManager(RuntimeSettings.FIELD_MANAGER).forceConflicts().serverSideApply();
        }
        return client.resource(desired).createOr(NonDeletingOperation::update);
    }

    /**
     * Creates the object unless one of its name exists; what exists is left as it is. Built only when missing: building
     * it can cost (a generated password) and it almost always exists.
     */
    public <T extends HasMetadata> void createIfAbsent(Class<T> kind, String namespace, String name, Supplier<T> desired) {
        if (client.resources(kind).inNamespace(namespace).withName(name).get() == null) {
            client.resource(desired.get()).create();
        }
    }
}

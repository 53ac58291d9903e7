package dev.canopy.operator;

import dev.canopy.core.Engine;
import dev.canopy.engine.ignite.ClusterCredentials;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The engine the operator runs each namespace's clusters with, over that namespace's admin Secrets: the engine asks
 * for a login by deployment name, which is unique within a namespace only (two namespaces may each have an
 * {@code orders}). Made on first use and kept while the operator runs.
 */
final class NamespaceEngines {
    /** A namespace's logins and the engine that uses them. */
    record Namespace(SecretCredentials credentials, Engine engine) {
    }

    private final KubernetesClient client;
    private final Clock clock;
    private final Function<ClusterCredentials, Engine> make;
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();

    /** @param make the engine over a namespace's credentials */
    NamespaceEngines(KubernetesClient client, Clock clock, Function<ClusterCredentials, Engine> make) {
        this.client = client;
        this.clock = clock;
        this.make = make;
    }

    /** One engine for every namespace (a fake engine in tests, which needs no login); the credentials still per namespace. */
    static NamespaceEngines sharing(KubernetesClient client, Clock clock, Engine engine) {
        return new NamespaceEngines(client, clock, credentials -> engine);
    }

    Namespace of(String namespace) {
        return namespaces.computeIfAbsent(namespace, ns -> {
            SecretCredentials credentials = new SecretCredentials(client, ns, true, clock);
            return new Namespace(credentials, make.apply(credentials));
        });
    }

    Clock clock() {
        return clock;
    }

    Engine engine(String namespace) {
        return of(namespace).engine();
    }
}

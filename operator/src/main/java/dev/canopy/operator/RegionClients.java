package dev.canopy.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Clients of the Kubernetes API of other regions, for replicas whose source is there: a replica names the source's
 * region in {@code replicaOf.region}, and the operator reaches that region with the kubeconfig in the Secret
 * {@code canopy-region-<region>} of the replica's namespace (the control plane writes it; its context's namespace is
 * where the source lives). A client is made once per version of its Secret.
 */
final class RegionClients implements AutoCloseable {
    static final String SECRET_PREFIX = "canopy-region-";
    static final String KUBECONFIG_KEY = "kubeconfig";
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int REQUEST_TIMEOUT_MS = 10_000;

    /** Another region as the operator reaches it: a client of its API, and the namespace its clusters are in. */
    record Region(String name, KubernetesClient client, String namespace) {
    }

    private record Made(String secretVersion, Region region) {
    }

    private final KubernetesClient client;
    private final Map<String, Made> made = new ConcurrentHashMap<>();

    RegionClients(KubernetesClient client) {
        this.client = client;
    }

    static String secretName(String region) {
        return SECRET_PREFIX + region;
    }

    /** The region as replicas of {@code namespace} reach it; empty when its Secret is missing. */
    Optional<Region> find(String namespace, String region) {
        Secret secret = client.secrets().inNamespace(namespace).withName(secretName(region)).get();
        String kubeconfig = kubeconfig(secret);
        String key = namespace + "/" + region;
        if (kubeconfig == null) {
            forget(key);
            return Optional.empty();
        }
        String version = secret.getMetadata().getResourceVersion();
        Made known = made.get(key);
        if (known != null && known.secretVersion() != null && known.secretVersion().equals(version)) {
            return Optional.of(known.region());
        }
        Config config = Config.fromKubeconfig(null, kubeconfig, null);
        config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        config.setRequestTimeout(REQUEST_TIMEOUT_MS);
        config.setRequestRetryBackoffLimit(0);
        String sourceNamespace = config.getNamespace() == null ? "default" : config.getNamespace();
        Region reached = new Region(region, new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new JdkHttpClientFactory()).build(), sourceNamespace);
        Made previous = made.put(key, new Made(version, reached));
        if (previous != null) {
            previous.region().client().close();
        }
        return Optional.of(reached);
    }

    /** Why replicas of {@code namespace} cannot reach the region; empty when they can. */
    Optional<String> problem(String namespace, String region) {
        Secret secret = client.secrets().inNamespace(namespace).withName(secretName(region)).get();
        if (secret == null) {
            return Optional.of("no Secret " + secretName(region) + " in namespace " + namespace + ": the operator reaches the"
                    + " Kubernetes API of region " + region + " with the kubeconfig it holds (the control plane writes it)");
        }
        if (kubeconfig(secret) == null) {
            return Optional.of("Secret " + secretName(region) + " in namespace " + namespace + " has no key " + KUBECONFIG_KEY);
        }
        return Optional.empty();
    }

    private static String kubeconfig(Secret secret) {
        if (secret == null) {
            return null;
        }
        if (secret.getData() != null && secret.getData().get(KUBECONFIG_KEY) != null) {
            return new String(Base64.getDecoder().decode(secret.getData().get(KUBECONFIG_KEY)), StandardCharsets.UTF_8);
        }
        return secret.getStringData() == null ? null : secret.getStringData().get(KUBECONFIG_KEY);
    }

    private void forget(String key) {
        Made gone = made.remove(key);
        if (gone != null) {
            gone.region().client().close();
        }
    }

    @Override
    public void close() {
        made.keySet().forEach(this::forget);
    }
}

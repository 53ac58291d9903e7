package dev.canopy.controlplane.region;

import dev.canopy.controlplane.problem.FieldProblem;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;

import java.util.List;
import java.util.Optional;

/** A kubeconfig given as content (not a file): checked before it is stored, then turned into a client of one context. */
public final class Kubeconfigs {
    // short, and without fabric8's default ten retries: a region that does not answer must not hold up the API's
    // answers (the region list asks every region for its health)
    private static final int CONNECT_TIMEOUT_MS = 3_000;
    private static final int REQUEST_TIMEOUT_MS = 10_000;

    private Kubeconfigs() {
    }

    /** What is wrong with the kubeconfig or the context, as problems of the fields {@code kubeconfig} and {@code context}. */
    public static Optional<FieldProblem> problem(String kubeconfig, String context) {
        if (kubeconfig == null || kubeconfig.isBlank()) {
            return Optional.of(new FieldProblem("kubeconfig", "is required: the content of a kubeconfig file"));
        }
        io.fabric8.kubernetes.api.model.Config parsed;
        try {
            parsed = KubeConfigUtils.parseConfigFromString(kubeconfig);
        } catch (RuntimeException e) {
            return Optional.of(new FieldProblem("kubeconfig", "is not a kubeconfig: " + firstLine(e.getMessage())));
        }
        List<String> contexts = parsed == null || parsed.getContexts() == null ? List.of()
                : parsed.getContexts().stream().map(NamedContext::getName).toList();
        if (contexts.isEmpty()) {
            return Optional.of(new FieldProblem("kubeconfig", "is not a kubeconfig: it names no contexts"));
        }
        if (context == null || context.isBlank()) {
            return Optional.of(new FieldProblem("context", "is required; the kubeconfig has " + String.join(", ", contexts)));
        }
        if (!contexts.contains(context)) {
            return Optional.of(new FieldProblem("context", "the kubeconfig has no context " + context + "; it has "
                    + String.join(", ", contexts)));
        }
        return Optional.empty();
    }

    /** A client of the context, on the JDK's HTTP client (as the operator's). */
    public static KubernetesClient client(String kubeconfig, String context) {
        Config config = Config.fromKubeconfig(context, kubeconfig, null);
        config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        config.setRequestTimeout(REQUEST_TIMEOUT_MS);
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

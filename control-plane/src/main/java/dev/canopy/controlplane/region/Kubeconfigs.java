package dev.canopy.controlplane.region;

import dev.canopy.controlplane.problem.FieldProblem;
import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.ContextBuilder;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

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
        return selfContained(parsed, context).map(reason -> new FieldProblem("kubeconfig", reason));
    }

    /**
     * Why the context cannot be used from the control plane as given, if it cannot: its cluster or user is missing,
     * or it would run a command or read a file on the control plane's host (exec plugins, auth providers, file paths).
     * A request must never make the platform run commands or read its own files; everything must be embedded.
     */
    private static Optional<String> selfContained(io.fabric8.kubernetes.api.model.Config parsed, String context) {
        NamedContext named = parsed.getContexts().stream().filter(c -> context.equals(c.getName())).findFirst().orElseThrow();
        String clusterName = named.getContext() == null ? null : named.getContext().getCluster();
        String userName = named.getContext() == null ? null : named.getContext().getUser();
        Optional<NamedCluster> cluster = parsed.getClusters() == null ? Optional.empty()
                : parsed.getClusters().stream().filter(c -> c.getName().equals(clusterName)).findFirst();
        if (cluster.isEmpty() || cluster.get().getCluster() == null || cluster.get().getCluster().getServer() == null) {
            return Optional.of("context " + context + " names cluster " + clusterName + ", which the kubeconfig does not define with a server");
        }
        if (cluster.get().getCluster().getCertificateAuthority() != null) {
            return Optional.of("cluster " + clusterName + " refers to a file (certificate-authority); embed it as certificate-authority-data");
        }
        Optional<AuthInfo> user = parsed.getUsers() == null || userName == null ? Optional.empty()
                : parsed.getUsers().stream().filter(u -> u.getName().equals(userName)).findFirst().map(NamedAuthInfo::getUser);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        AuthInfo auth = user.get();
        if (auth.getExec() != null || auth.getAuthProvider() != null) {
            return Optional.of("user " + userName + " gets its credentials by running a command (exec or auth-provider), which the"
                    + " control plane does not do; give a token or client-certificate-data and client-key-data");
        }
        if (auth.getClientCertificate() != null || auth.getClientKey() != null || auth.getTokenFile() != null) {
            return Optional.of("user " + userName + " refers to a file (client-certificate, client-key or tokenFile); embed it"
                    + " (client-certificate-data, client-key-data, token)");
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

    /**
     * The kubeconfig as another region's operator is to use it: only the registered context (the other contexts'
     * credentials are not that operator's to have), made the current one, its namespace the region's.
     */
    public static String forOperator(String kubeconfig, String context, String namespace) {
        io.fabric8.kubernetes.api.model.Config parsed = KubeConfigUtils.parseConfigFromString(kubeconfig);
        NamedContext named = parsed.getContexts().stream().filter(c -> context.equals(c.getName())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the kubeconfig has no context " + context));
        String clusterName = named.getContext().getCluster();
        String userName = named.getContext().getUser();
        List<NamedCluster> clusters = parsed.getClusters().stream().filter(c -> c.getName().equals(clusterName)).toList();
        List<NamedAuthInfo> users = parsed.getUsers() == null ? List.of()
                : parsed.getUsers().stream().filter(u -> u.getName().equals(userName)).toList();
        NamedContext narrowed = new NamedContext(new ContextBuilder(named.getContext()).withNamespace(namespace).build(), context);
        return new KubernetesSerialization().asYaml(new ConfigBuilder().withApiVersion("v1").withKind("Config")
                .withClusters(clusters).withUsers(users).withContexts(narrowed).withCurrentContext(context).build());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

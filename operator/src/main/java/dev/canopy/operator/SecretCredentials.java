package dev.canopy.operator;

import dev.canopy.engine.ignite.ClusterCredentials;
import dev.canopy.engine.ignite.Credentials;
import dev.canopy.runtime.kubernetes.AdminCredentialsSecret;
import dev.canopy.runtime.kubernetes.AdminSecrets;
import dev.canopy.runtime.kubernetes.CaptureSidecar;
import dev.canopy.runtime.kubernetes.KubernetesReplication;
import dev.canopy.runtime.kubernetes.ObjectNames;
import dev.canopy.runtime.kubernetes.OwnedCluster;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's logins to the clusters of one namespace, read from their admin Secrets (see
 * {@link AdminCredentialsSecret}, which the runtime makes): the engine asks on every call, so what it reads is kept
 * (a login and an "on" decision never change while the cluster lives; an "off" is asked again after
 * {@link #RECHECK}, as a deployment made again is fresh). Never writes a Secret's data; it records a fresh deployment's
 * decision on its Secret (see {@link AdminSecrets#decide}) when the engine asks before the pass did.
 *
 * <p>A replica's source in another region is named {@code <region>/<deployment>} (see {@link #remoteName}) in the
 * replica's engine calls: those go to the credentials of that region's namespace, registered by {@link #reachRegion},
 * which only read (the source's own operator decides for it). A plain name could be a cluster of this namespace.
 */
final class SecretCredentials implements ClusterCredentials {
    static final Duration RECHECK = Duration.ofSeconds(10);
    private static final char REGION_SEPARATOR = '/';

    private final KubernetesClient client;
    private final String namespace;
    private final boolean decides;
    private final Clock clock;
    private final Map<String, Credentials> logins = new ConcurrentHashMap<>();
    private final Set<String> authenticated = ConcurrentHashMap.newKeySet();
    private final Map<String, Boolean> joiningNodes = new ConcurrentHashMap<>();
    private final Map<String, Instant> offUntil = new ConcurrentHashMap<>();
    private final Map<String, SecretCredentials> regions = new ConcurrentHashMap<>();

    /** @param decides whether a fresh deployment is decided here (its own operator's); otherwise only read */
    SecretCredentials(KubernetesClient client, String namespace, boolean decides, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.decides = decides;
        this.clock = clock;
    }

    /** How a replica's engine calls name a source of another region. */
    static String remoteName(String region, String deployment) {
        return region + REGION_SEPARATOR + deployment;
    }

    /** The credentials of another region's namespace, for the names {@link #remoteName} makes with {@code region}. */
    void reachRegion(String region, SecretCredentials there) {
        regions.put(region, there);
    }

    String namespace() {
        return namespace;
    }

    @Override
    public Credentials admin(String deployment) {
        Optional<SecretCredentials> remote = remote(deployment);
        if (remote.isPresent()) {
            return remote.get().admin(local(deployment));
        }
        Credentials known = logins.get(deployment);
        if (known != null) {
            return known;
        }
        Secret secret = AdminSecrets.of(client, namespace, deployment).orElseThrow(() -> new IllegalStateException(
                "no Secret " + ObjectNames.adminSecret(deployment) + " in namespace " + namespace + ": the login of " + deployment
                        + " is not known"));
        AdminCredentialsSecret.Login login = AdminCredentialsSecret.login(secret).orElseThrow(() -> new IllegalStateException(
                "Secret " + secret.getMetadata().getName() + " in namespace " + namespace + " holds no login of user "
                        + AdminCredentialsSecret.ADMIN_USER));
        Credentials read = new Credentials(login.user(), login.password());
        logins.put(deployment, read);
        return read;
    }

    /**
     * Forgets what was read of the cluster's deployments: it is deleted, and one made again under its name gets a Secret
     * (and a password) of its own, which a kept login would override on its first activation.
     */
    void forget(String cluster) {
        for (String deployment : OwnedCluster.deploymentsOf(cluster)) {
            logins.remove(deployment);
            authenticated.remove(deployment);
            joiningNodes.remove(deployment);
            offUntil.remove(deployment);
        }
    }

    /** The capture reads it from its mounted Secret (see {@link CaptureSidecar#LOGINS_DIR}). */
    @Override
    public Optional<Path> file(String deployment) {
        return Optional.of(Path.of(CaptureSidecar.LOGINS_DIR, CaptureSidecar.ADMIN_LOGIN_FILE));
    }

    /**
     * Judged from the API server, whatever {@code fresh} says: the engine judges it from files, which the operator's
     * machine has none of.
     */
    @Override
    public boolean authentication(String deployment, boolean fresh) {
        Optional<SecretCredentials> remote = remote(deployment);
        if (remote.isPresent()) {
            return remote.get().authentication(local(deployment), false);
        }
        if (authenticated.contains(deployment)) {
            return true;
        }
        Instant off = offUntil.get(deployment);
        Instant now = clock.instant();
        if (off != null && now.isBefore(off)) {
            return false;
        }
        Optional<Secret> secret = AdminSecrets.of(client, namespace, deployment);
        if (secret.isEmpty()) {
            // the pass makes the Secret before it starts a node: nothing of this deployment runs yet
            return false;
        }
        boolean on = decides ? AdminSecrets.decide(client, namespace, deployment, secret.get())
                : AdminCredentialsSecret.authenticated(secret.get()).contains(deployment);
        if (on) {
            authenticated.add(deployment);
            offUntil.remove(deployment);
        } else {
            offUntil.put(deployment, now.plus(RECHECK));
        }
        return on;
    }

    /**
     * Read once the deployment is known to run with authentication: its Secret lists it for both in one write (see
     * {@link AdminSecrets#decide}), so the answer never changes afterwards.
     */
    @Override
    public boolean joiningNodeSecurity(String deployment) {
        Optional<SecretCredentials> remote = remote(deployment);
        if (remote.isPresent()) {
            return remote.get().joiningNodeSecurity(local(deployment));
        }
        Boolean known = joiningNodes.get(deployment);
        if (known != null) {
            return known;
        }
        if (!authentication(deployment, false)) {
            return false;
        }
        boolean listed = AdminSecrets.of(client, namespace, deployment)
                .map(secret -> AdminCredentialsSecret.joiningNodeSecurity(secret).contains(deployment)).orElse(false);
        joiningNodes.put(deployment, listed);
        return listed;
    }

    /**
     * The source's other deployment (green of its blue/green upgrade) with the cluster's own login; any other target is
     * the replica the source streams to, whose login its operator keeps beside the source (see
     * {@link KubernetesReplication#replicaLogin}).
     */
    @Override
    public Optional<Path> targetLogin(String source, String target) {
        if (OwnedCluster.clusterOf(source).equals(OwnedCluster.clusterOf(target))) {
            return authentication(target, false) ? file(target) : Optional.empty();
        }
        Secret kept = client.secrets().inNamespace(namespace).withName(ObjectNames.replicaLoginSecret(OwnedCluster.clusterOf(source))).get();
        boolean forTarget = kept != null && kept.getMetadata().getAnnotations() != null
                && target.equals(kept.getMetadata().getAnnotations().get(KubernetesReplication.REPLICA_ANNOTATION))
                && kept.getData() != null && kept.getData().containsKey(AdminCredentialsSecret.LOGIN_KEY);
        return forTarget ? Optional.of(Path.of(CaptureSidecar.LOGINS_DIR, CaptureSidecar.REPLICA_LOGIN_FILE)) : Optional.empty();
    }

    /**
     * The login a source keeps for this namespace's replica {@code cluster}, to stream to it: empty when none of its
     * deployments runs with authentication.
     */
    Optional<AdminCredentialsSecret.Login> replicaLogin(String cluster) {
        Optional<Secret> secret = AdminSecrets.of(client, namespace, cluster);
        if (secret.isEmpty() || AdminCredentialsSecret.authenticated(secret.get()).isEmpty()) {
            return Optional.empty();
        }
        return AdminCredentialsSecret.login(secret.get());
    }

    private Optional<SecretCredentials> remote(String name) {
        int separator = name.indexOf(REGION_SEPARATOR);
        if (separator < 0) {
            return Optional.empty();
        }
        String region = name.substring(0, separator);
        SecretCredentials there = regions.get(region);
        if (there == null) {
            throw new IllegalStateException("region " + region + " is not reached from namespace " + namespace
                    + ": no login to " + local(name) + " there");
        }
        return Optional.of(there);
    }

    private static String local(String name) {
        return name.substring(name.indexOf(REGION_SEPARATOR) + 1);
    }
}

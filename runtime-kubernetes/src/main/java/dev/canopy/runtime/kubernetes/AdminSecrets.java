package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a deployment's nodes run with the engine's authentication, decided from what the API server holds. Ignite
 * refuses a node whose security differs from its cluster's, so the decision is taken once per deployment, while it has
 * no leaf StatefulSet nor claim (nothing of it ran yet), and recorded on the cluster's admin Secret (see
 * {@link AdminCredentialsSecret#AUTHENTICATED_ANNOTATION}) so that it holds across passes and operator restarts. A
 * deployment that ran before without authentication keeps running without it, until a fresh one replaces it (a
 * blue/green engine upgrade). Judged from the API server, never from files: the operator's machine has none of the
 * nodes' storage.
 */
public final class AdminSecrets {
    private static final Logger LOG = LoggerFactory.getLogger(AdminSecrets.class);

    private AdminSecrets() {
    }

    /** The Secret holding the login of {@code deployment}: its cluster's (a second deployment shares its cluster's). */
    public static Optional<Secret> of(KubernetesClient client, String namespace, String deployment) {
        Secret own = client.secrets().inNamespace(namespace).withName(ObjectNames.adminSecret(deployment)).get();
        String cluster = OwnedCluster.clusterOf(deployment);
        if (own != null || cluster.equals(deployment)) {
            return Optional.ofNullable(own);
        }
        return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(ObjectNames.adminSecret(cluster)).get());
    }

    /**
     * Decides for {@code deployment} of the cluster whose admin Secret is {@code secret}: true when the Secret lists it,
     * or when it is fresh and the Secret holds the superuser's login (it is then listed); false otherwise.
     */
    public static boolean decide(KubernetesClient client, String namespace, String deployment, Secret secret) {
        if (AdminCredentialsSecret.authenticated(secret).contains(deployment)) {
            return true;
        }
        if (AdminCredentialsSecret.login(secret).isEmpty() || !fresh(client, namespace, deployment)) {
            return false;
        }
        // edited (not applied): the Secret's other annotations and its data stay as they are; a conflicting write
        // (another pass adding another deployment) fails and the next ask decides again
        // both lists in one write: a deployment is never listed as authenticated without its joining-node decision
        client.secrets().inNamespace(namespace).withName(secret.getMetadata().getName()).edit(s -> {
            Set<String> listed = new LinkedHashSet<>(AdminCredentialsSecret.authenticated(s));
            listed.add(deployment);
            Set<String> joining = new LinkedHashSet<>(AdminCredentialsSecret.joiningNodeSecurity(s));
            joining.add(deployment);
            if (s.getMetadata().getAnnotations() == null) {
                s.getMetadata().setAnnotations(new java.util.HashMap<>());
            }
            s.getMetadata().getAnnotations().put(AdminCredentialsSecret.AUTHENTICATED_ANNOTATION, String.join(",", listed));
            s.getMetadata().getAnnotations().put(AdminCredentialsSecret.JOINING_NODE_SECURITY_ANNOTATION, String.join(",", joining));
            return s;
        });
        LOG.info("{}/{}: a fresh deployment: its nodes run with the engine's authentication, the login in Secret {}",
                namespace, deployment, secret.getMetadata().getName());
        return true;
    }

    /** No leaf StatefulSet and no claim of the deployment: none of its leaves has storage, nothing of it ran. */
    static boolean fresh(KubernetesClient client, String namespace, String deployment) {
        for (NodeGroup group : NodeGroup.ALL) {
            if (group.isLeaves() && client.apps().statefulSets().inNamespace(namespace)
                    .withName(ObjectNames.statefulSet(deployment, group)).get() != null) {
                return false;
            }
        }
        return client.persistentVolumeClaims().inNamespace(namespace).withLabels(Labels.cluster(deployment)).list()
                .getItems().isEmpty();
    }
}

package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

import java.util.Base64;
import java.util.Map;

/**
 * The cluster's generated admin credentials. Created once and never rewritten: a password that changed on every pass
 * would lock out whoever read it before.
 */
public final class AdminCredentialsSecret {
    public static final String COMPONENT = "credentials";
    public static final String USERNAME_KEY = "username";
    public static final String PASSWORD_KEY = "password";
    public static final String ADMIN_USER = "canopy";

    private AdminCredentialsSecret() {
    }

    public static Secret build(OwnedCluster cluster, String password) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(ObjectNames.adminSecret(cluster.name())).withNamespace(cluster.namespace())
                .withLabels(Labels.component(cluster.name(), COMPONENT)).withOwnerReferences(cluster.ownerReferences())
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of(USERNAME_KEY, base64(ADMIN_USER), PASSWORD_KEY, base64(password)))
                .build();
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}

package dev.canopy.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The cluster's generated admin login: the engine's superuser and the password the operator sets on it when the
 * cluster's nodes first run with authentication. Created once and never rewritten: a password that changed on every
 * pass would lock out whoever read it before, the operator included (the engine keeps the one set first). Its
 * annotation {@value #AUTHENTICATED_ANNOTATION} lists the deployments whose nodes run with the engine's authentication
 * (see {@link AdminSecrets#decide}).
 */
public final class AdminCredentialsSecret {
    public static final String COMPONENT = "credentials";
    public static final String USERNAME_KEY = "username";
    public static final String PASSWORD_KEY = "password";
    /** The same login as {@code user} and {@code password} properties: the file the change capture reads it from. */
    public static final String LOGIN_KEY = "login.properties";
    /** Ignite 2.x's superuser, the only user that may create users; the operator's login to the cluster. */
    public static final String ADMIN_USER = "ignite";
    /** The deployments running with authentication, comma-separated (a deployment is added once, never removed). */
    public static final String AUTHENTICATED_ANNOTATION = "canopy.dev/authenticated-deployments";
    /**
     * Those of {@value #AUTHENTICATED_ANNOTATION} whose nodes also handle a just-joined node's messages (see
     * {@code ClusterCredentials#joiningNodeSecurity}): listed with it, in the same write, or never.
     */
    public static final String JOINING_NODE_SECURITY_ANNOTATION = "canopy.dev/joining-node-security-deployments";

    /** A login as a Secret holds it: never printed with its password. */
    public record Login(String user, String password) {
        @Override
        public String toString() {
            return "Login[user=" + user + "]";
        }

        /** The {@code user} and {@code password} properties the change capture's consumer reads. */
        public String properties() {
            Properties properties = new Properties();
            properties.setProperty("user", user);
            properties.setProperty("password", password);
            StringWriter text = new StringWriter();
            try {
                properties.store(text, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // without the date line Properties writes: the same login makes the same text
            return text.toString().lines().filter(line -> !line.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
        }

        static Optional<Login> parse(String properties) {
            Properties read = new Properties();
            try {
                read.load(new StringReader(properties));
            } catch (IOException e) {
                return Optional.empty();
            }
            String user = read.getProperty("user");
            String password = read.getProperty("password");
            return user == null || password == null || password.isEmpty() ? Optional.empty() : Optional.of(new Login(user, password));
        }
    }

    private AdminCredentialsSecret() {
    }

    public static Secret build(OwnedCluster cluster, String password) {
        Login login = new Login(ADMIN_USER, password);
        return new SecretBuilder()
                .withNewMetadata()
                .withName(ObjectNames.adminSecret(cluster.name())).withNamespace(cluster.namespace())
                .withLabels(Labels.component(cluster.name(), COMPONENT)).withOwnerReferences(cluster.ownerReferences())
                .withAnnotations(Map.of(AUTHENTICATED_ANNOTATION, ""))
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of(USERNAME_KEY, base64(ADMIN_USER), PASSWORD_KEY, base64(password),
                        LOGIN_KEY, base64(login.properties())))
                .build();
    }

    /**
     * The login the Secret holds, if it is the engine's superuser's: a Secret made before the nodes ran with
     * authentication names another user, which Ignite 2.x has not (such a cluster keeps running without authentication).
     */
    public static Optional<Login> login(Secret secret) {
        String user = value(secret, USERNAME_KEY);
        String password = value(secret, PASSWORD_KEY);
        if (!ADMIN_USER.equals(user) || password == null || password.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Login(user, password));
    }

    /** The deployments the Secret's annotation lists as running with authentication. */
    public static Set<String> authenticated(Secret secret) {
        return listed(secret, AUTHENTICATED_ANNOTATION);
    }

    /** The deployments the Secret's annotation lists as handling a just-joined node's messages. */
    public static Set<String> joiningNodeSecurity(Secret secret) {
        return listed(secret, JOINING_NODE_SECURITY_ANNOTATION);
    }

    private static Set<String> listed(Secret secret, String annotation) {
        Map<String, String> annotations = secret.getMetadata().getAnnotations();
        String listed = annotations == null ? null : annotations.get(annotation);
        Set<String> deployments = new LinkedHashSet<>();
        if (listed != null) {
            for (String deployment : listed.split(",")) {
                if (!deployment.isBlank()) {
                    deployments.add(deployment.strip());
                }
            }
        }
        return deployments;
    }

    /** A key's decoded value, from {@code data} or (as a user or a test may write it) {@code stringData}. */
    static String value(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().get(key) != null) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        }
        return secret.getStringData() == null ? null : secret.getStringData().get(key);
    }

    static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}

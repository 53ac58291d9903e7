package dev.canopy.engine.ignite;

import org.apache.ignite.configuration.ClientConfiguration;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A login to a cluster: the platform's admin (the engine's superuser with the cluster's secret) or a user's. Never
 * printed with its password: {@link #toString()} leaves it out, so a log or an exception naming it leaks nothing.
 *
 * @param user     null when the cluster runs without authentication (see {@link #NONE})
 * @param password null with {@link #NONE}
 * @param tls      how the connection is encrypted; null: in plain text (a cluster from before TLS)
 */
public record Credentials(String user, String password, ClientTls tls) {
    /** The engine's superuser, the only one that may create users (Ignite 2.x). */
    public static final String SUPERUSER = "ignite";
    /** What the engine's superuser starts with: it must not stay usable, see {@link IgniteEngine}. */
    public static final Credentials ENGINE_DEFAULT = new Credentials(SUPERUSER, "ignite");
    /** No login: the cluster's nodes run without authentication (a cluster from before it, and tests' clusters). */
    public static final Credentials NONE = new Credentials(null, null);

    public Credentials(String user, String password) {
        this(user, password, null);
    }

    /** The same login over connections encrypted as {@code tls} says (none: plain text). */
    public Credentials over(java.util.Optional<ClientTls> tls) {
        return new Credentials(user, password, tls.orElse(null));
    }

    public boolean present() {
        return user != null;
    }

    /** The JDBC thin driver's {@code user} and {@code password} properties (none for {@link #NONE}). */
    public Properties jdbcProperties() {
        Properties properties = new Properties();
        if (present()) {
            properties.setProperty("user", user);
            properties.setProperty("password", password);
        }
        if (tls != null) {
            tls.addTo(properties);
        }
        return properties;
    }

    /** The login, and the connection's encryption, on a thin client's configuration. */
    public ClientConfiguration applyTo(ClientConfiguration config) {
        if (tls != null) {
            tls.applyTo(config);
        }
        return present() ? config.setUserName(user).setUserPassword(password) : config;
    }

    /** The control utility's {@code --user} and {@code --password} (it masks the password in what it prints). */
    List<String> controlArguments() {
        List<String> args = new ArrayList<>();
        if (present()) {
            args.addAll(List.of("--user", user, "--password", password));
        }
        if (tls != null) {
            args.addAll(tls.controlArguments());
        }
        return args;
    }

    @Override
    public String toString() {
        return (present() ? "Credentials[user=" + user : "Credentials[none") + (tls == null ? "]" : ", tls]");
    }
}

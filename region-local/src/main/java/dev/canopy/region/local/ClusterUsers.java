package dev.canopy.region.local;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.EngineUsers;
import dev.canopy.core.EngineUsers.EngineUserException;
import dev.canopy.core.Passwords;
import dev.canopy.core.Runtime;
import dev.canopy.core.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The database users of the local region's clusters, which clients log in as: made in the cluster's engine with a
 * generated password, which is handed out once and kept nowhere by the platform (the engine keeps its hash); their
 * names are kept beside the cluster's record, as the engine lists none. Every call logs what it did, never a password.
 */
public final class ClusterUsers {
    /** What the engine takes unquoted and a JDBC URL carries as it is; up to 63 characters. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");
    /** The engine's superuser, whose password is the platform's own login to the cluster. */
    public static final String RESERVED = "ignite";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterUsers.class);

    private final ClusterStore store;
    private final Runtime runtime;
    private final EngineUsers engine;
    private final Clock clock;

    public ClusterUsers(ClusterStore store, Runtime runtime, EngineUsers engine, Clock clock) {
        this.store = store;
        this.runtime = runtime;
        this.engine = engine;
        this.clock = clock;
    }

    /** A user's login as made or changed: shown once, never logged, never stored by the platform. */
    public record NewLogin(String user, String password, String jdbcUrl) {
        @Override
        public String toString() {
            return "NewLogin[user=" + user + ", jdbcUrl=" + jdbcUrl + "]";
        }
    }

    /** Why a user name is refused, empty when it is fine. */
    public static Optional<String> nameProblem(String user) {
        if (user == null || user.isBlank()) {
            return Optional.of("is required");
        }
        if (user.equalsIgnoreCase(RESERVED)) {
            return Optional.of("'" + RESERVED + "' is the platform's own login to the cluster; choose another name");
        }
        if (!NAME.matcher(user).matches()) {
            return Optional.of("must start with a letter and hold only letters, digits and _ (at most 63 characters), got '"
                    + user + "'");
        }
        return Optional.empty();
    }

    /** The users made through the platform, by name; empty when there is no such cluster. */
    public synchronized Optional<List<DatabaseUsers.User>> list(String cluster) {
        return serving(cluster).map(c -> store.users(cluster).users());
    }

    /**
     * Makes the user with a new password; empty when there is no such cluster.
     *
     * @throws EngineUserException EXISTS when it exists, OTHER when the engine refused or did not answer
     */
    public synchronized Optional<NewLogin> create(String cluster, String user) {
        requireName(user);
        Optional<StoredCluster> stored = serving(cluster);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        // read once: every change of the file is made under this object's lock
        DatabaseUsers users = store.users(cluster);
        if (users.user(user).isPresent()) {
            throw new EngineUserException(EngineUserException.Reason.EXISTS, "user " + user + " exists already in this cluster", null);
        }
        String password = Passwords.generate();
        Instant now = clock.instant();
        // recorded first: a user the engine has is always one the platform lists (and can delete)
        store.writeUsers(cluster, users.with(new DatabaseUsers.User(user, now, now)));
        try {
            engine.createUser(topology(cluster, stored.get().spec()), user, password);
        } catch (RuntimeException e) {
            store.writeUsers(cluster, users);
            throw e;
        }
        LOG.info("{}: database user {} created", cluster, user);
        return Optional.of(new NewLogin(user, password, jdbcUrl(stored.get())));
    }

    /**
     * Gives the user a new password: the old one is refused from now on. Empty when there is no such cluster.
     *
     * @throws EngineUserException MISSING when the platform made no such user, OTHER when the engine refused
     */
    public synchronized Optional<NewLogin> rotate(String cluster, String user) {
        Optional<StoredCluster> stored = serving(cluster);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        DatabaseUsers users = store.users(cluster);
        DatabaseUsers.User known = known(users, user);
        String password = Passwords.generate();
        engine.setPassword(topology(cluster, stored.get().spec()), user, password);
        store.writeUsers(cluster, users.with(new DatabaseUsers.User(user, known.created(), clock.instant())));
        LOG.info("{}: password of database user {} rotated", cluster, user);
        return Optional.of(new NewLogin(user, password, jdbcUrl(stored.get())));
    }

    /**
     * Removes the user: its logins are refused from now on. False when there is no such cluster.
     *
     * @throws EngineUserException MISSING when the platform made no such user, OTHER when the engine refused
     */
    public synchronized boolean delete(String cluster, String user) {
        Optional<StoredCluster> stored = serving(cluster);
        if (stored.isEmpty()) {
            return false;
        }
        DatabaseUsers users = store.users(cluster);
        known(users, user);
        engine.dropUser(topology(cluster, stored.get().spec()), user);
        store.writeUsers(cluster, users.without(user));
        LOG.info("{}: database user {} deleted", cluster, user);
        return true;
    }

    private static DatabaseUsers.User known(DatabaseUsers users, String user) {
        return users.user(user).orElseThrow(() -> new EngineUserException(EngineUserException.Reason.MISSING,
                "there is no user " + user + " made through the platform in this cluster", null));
    }

    private static void requireName(String user) {
        nameProblem(user).ifPresent(problem -> {
            throw new IllegalArgumentException("user name " + problem);
        });
    }

    private Optional<StoredCluster> serving(String cluster) {
        return store.get(cluster).filter(c -> !c.deleting() && !c.damaged());
    }

    private Topology topology(String cluster, DatabaseClusterSpec spec) {
        String deployment = store.deployment(cluster);
        return new Topology(deployment, spec, runtime.place(deployment, DesiredNodes.all(spec)));
    }

    private static String jdbcUrl(StoredCluster cluster) {
        return cluster.status() == null || cluster.status().endpoints() == null ? null : cluster.status().endpoints().jdbcUrl();
    }
}

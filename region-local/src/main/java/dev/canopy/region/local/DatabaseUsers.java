package dev.canopy.region.local;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The database users the platform made in a cluster's engine, by name: Ignite 2.x lists none of its users, so the
 * platform keeps the names (and when each password was set) beside the cluster's record. Never a password.
 */
public record DatabaseUsers(List<User> users) {
    public static final DatabaseUsers NONE = new DatabaseUsers(List.of());

    public record User(String name, Instant created, Instant passwordChanged) {
    }

    public DatabaseUsers {
        users = users == null ? List.of() : users.stream().sorted(Comparator.comparing(User::name)).toList();
    }

    public Optional<User> user(String name) {
        return users.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    public DatabaseUsers with(User user) {
        List<User> next = new ArrayList<>(without(user.name()).users());
        next.add(user);
        return new DatabaseUsers(next);
    }

    public DatabaseUsers without(String name) {
        return new DatabaseUsers(users.stream().filter(u -> !u.name().equals(name)).toList());
    }
}

package dev.canopy.core;

/**
 * The engine's own database users, which clients log in as: made, given a new password and removed through the
 * cluster's admin login. The engine keeps the passwords (hashed); the platform hands each one out once and keeps none.
 * Each call fails with {@link EngineUserException} carrying the engine's reason, which names the user and never the
 * password.
 */
public interface EngineUsers {

    void createUser(Topology topology, String user, String password);

    void setPassword(Topology topology, String user, String password);

    /** Removes the user; one the engine does not have is already removed. */
    void dropUser(Topology topology, String user);

    /** The engine refused a user command, or did not answer it; the message is safe to show and to log. */
    final class EngineUserException extends RuntimeException {
        /** Why: the user exists already (a create), the engine has no such user (a password change), or anything else. */
        public enum Reason { EXISTS, MISSING, OTHER }

        private final Reason reason;

        public EngineUserException(Reason reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}

package dev.canopy.controlplane.region;

/**
 * A database user's login as just made or changed: the only answer that ever holds the password, shown once to the
 * caller; never logged ({@link #toString} leaves it out) and never stored by the control plane.
 */
public record DatabaseLogin(String user, String password, String jdbcUrl) {
    @Override
    public String toString() {
        return "DatabaseLogin[user=" + user + ", jdbcUrl=" + jdbcUrl + "]";
    }
}

package dev.canopy.controlplane.sql;

import java.util.Properties;

/**
 * Where a cluster takes SQL: its JDBC URL (which names the trust store of its TLS, as the status gives it), the
 * platform's login there (empty where the region keeps none: the cluster runs without authentication), and why it
 * cannot take SQL yet when it cannot. Never printed with the login.
 *
 * @param unavailable null when the cluster has an aggregator serving SQL, else why not (e.g. its phase)
 */
public record SqlTarget(String cluster, String jdbcUrl, Properties platformLogin, String unavailable) {
    @Override
    public String toString() {
        return "SqlTarget[" + cluster + ", " + jdbcUrl + (unavailable == null ? "" : ", " + unavailable) + "]";
    }
}

package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Where clients connect: every aggregator's SQL address, and a JDBC URL naming them all for failover.
 *
 * @param credentialsSecret on Kubernetes, the Secret of the cluster's namespace holding the admin login clients log in
 *                          with (keys {@code username} and {@code password}); null where the nodes take clients without
 *                          a login, or where the platform keeps the login elsewhere (the local region)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Endpoints(String jdbcUrl, List<String> aggregators, String credentialsSecret) {
    public Endpoints {
        aggregators = aggregators == null ? List.of() : List.copyOf(aggregators);
    }

    public Endpoints(String jdbcUrl, List<String> aggregators) {
        this(jdbcUrl, aggregators, null);
    }
}

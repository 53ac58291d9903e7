package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** Where clients connect: every aggregator's SQL address, and a JDBC URL naming them all for failover. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Endpoints(String jdbcUrl, List<String> aggregators) {
    public Endpoints {
        aggregators = aggregators == null ? List.of() : List.copyOf(aggregators);
    }
}

package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A replica's feed: its source ({@code region/cluster}), what it does now ({@code state}: CapturingChanges, Copying,
 * Streaming, Promoting, Promoted, or why it waits), the lag (now minus the source time up to which it holds every
 * change, from heartbeats: what a failover would lose), the rows the initial copy brought, and, once promoted, when
 * and with which last known lag ({@code lagAtPromotionSeconds}: the bound on the writes the promotion lost when the
 * source could not be fenced). Times are ISO-8601 instants.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplicationStatus(String source, String state, Double lagSeconds, Long rowsCopied, String promotedAt,
                                Double lagAtPromotionSeconds, Boolean sourceFenced) {
}

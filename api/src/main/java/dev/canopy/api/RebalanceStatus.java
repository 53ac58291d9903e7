package dev.canopy.api;

/**
 * A rebalance under way: how many partition copies are not yet owned, and since when that number has stayed the same
 * (an ISO-8601 instant). A number that does not change for long is a stalled rebalance, which the reconciler mends.
 */
public record RebalanceStatus(int copiesNotOwning, String unchangedSince) {
}

package dev.canopy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Who may reach the cluster from another region, where a Kubernetes region opens a load balancer for it (a replica of a
 * cluster in another region, and that cluster): the addresses allowed, as CIDRs (the Service's
 * {@code loadBalancerSourceRanges} and the network policy's blocks), or, said explicitly, any address. With neither, no
 * load balancer is opened and the status says why.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CrossRegionSpec(
        @JsonPropertyDescription("Addresses allowed to reach the cluster's cross-region load balancer, as CIDRs, e.g."
                + " 203.0.113.0/24: the other region's egress addresses.")
        List<String> sourceRanges,

        @JsonPropertyDescription("true lets any address reach the cross-region load balancer (the engine's authentication"
                + " still applies); give sourceRanges instead where the other region's addresses are known.")
        Boolean anySource) {

    public static final int MAX_SOURCE_RANGES = 64;
    private static final Pattern IPV4_CIDR = Pattern.compile(
            "^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/(3[0-2]|[12]?[0-9])$");
    private static final Pattern IPV6_CIDR = Pattern.compile("^[0-9a-fA-F:]*:[0-9a-fA-F:.]*/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$");

    public CrossRegionSpec {
        sourceRanges = sourceRanges == null ? List.of() : List.copyOf(sourceRanges);
    }

    /** Whether a load balancer may be opened for the cluster: some addresses allowed, or any said explicitly. */
    public boolean allowsSomeone() {
        return !sourceRanges.isEmpty() || Boolean.TRUE.equals(anySource);
    }

    /** Every problem, each naming its field under {@code spec.crossRegion}. */
    List<String> problems() {
        List<String> problems = new java.util.ArrayList<>();
        if (sourceRanges.size() > MAX_SOURCE_RANGES) {
            problems.add("spec.crossRegion.sourceRanges: at most " + MAX_SOURCE_RANGES + " ranges, got " + sourceRanges.size());
        }
        for (int i = 0; i < sourceRanges.size(); i++) {
            String range = sourceRanges.get(i);
            if (range == null || !(IPV4_CIDR.matcher(range).matches() || IPV6_CIDR.matcher(range).matches())) {
                problems.add("spec.crossRegion.sourceRanges[" + i + "]: must be a CIDR such as 203.0.113.0/24 or"
                        + " 2001:db8::/32, got " + range);
            }
        }
        if (!sourceRanges.isEmpty() && Boolean.TRUE.equals(anySource)) {
            problems.add("spec.crossRegion.anySource: give sourceRanges or anySource: true, not both");
        }
        return problems;
    }
}

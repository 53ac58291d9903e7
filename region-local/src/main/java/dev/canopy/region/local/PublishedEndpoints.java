package dev.canopy.region.local;

import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import dev.canopy.core.DesiredNodes;
import dev.canopy.core.NodeId;
import dev.canopy.core.Topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The endpoints a cluster's status gives clients once its aggregators changed hands: an aggregator whose port was
 * published (the one clients knew before a blue/green switch, now forwarded by the runtime) is listed by that port;
 * any other (one added since) by its own. Pure.
 */
final class PublishedEndpoints {

    private PublishedEndpoints() {
    }

    /** @param published aggregator name to published port; empty leaves the status as it is */
    static DatabaseClusterStatus overlay(DatabaseClusterStatus status, DatabaseClusterSpec spec, Map<String, Integer> published) {
        if (published.isEmpty() || status == null || status.endpoints() == null) {
            return status;
        }
        List<NodeId> aggregators = DesiredNodes.aggregators(spec);
        List<String> own = status.endpoints().aggregators();
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < own.size(); i++) {
            String address = own.get(i);
            Integer port = i < aggregators.size() ? published.get(aggregators.get(i).name()) : null;
            addresses.add(port == null ? address : address.substring(0, address.lastIndexOf(':') + 1) + port);
        }
        // the URL's settings (the trust store of a cluster taking clients over TLS) are the cluster's, whichever port
        String url = status.endpoints().jdbcUrl();
        String settings = url.indexOf('?') < 0 ? "" : url.substring(url.indexOf('?'));
        return status.withEndpoints(new Endpoints(Topology.jdbcUrl(addresses) + settings, addresses));
    }
}

package dev.canopy.core;

/**
 * Where a node lives, as its runtime decided: the host and ports other nodes and clients reach it at, and the
 * directory its storage and logs go to. Stable for the node's life, so a restarted node keeps its addresses.
 */
public record NodePlacement(NodeId node, String host, int discoveryPort, int communicationPort, int sqlPort,
                            String workDirectory) {

    public String discoveryAddress() {
        return host + ":" + discoveryPort;
    }

    public String sqlAddress() {
        return host + ":" + sqlPort;
    }
}

package dev.canopy.engine.ignite;

/**
 * The engine's own answer to "has this node started?": Ignite's REST {@code probe} command, which answers 200 only once
 * the node has joined the cluster and finished starting (a leaf has replayed its write-ahead log by then), 503 before,
 * and needs no credentials. Served by the {@code ignite-rest-http} module on port 8080 of the node's host. Used where
 * something outside the node asks (the kubelet's probes); local nodes leave it off, since they would share one port.
 */
public final class HealthEndpoint {
    public static final String MODULE = "ignite-rest-http";
    public static final int PORT = 8080;
    public static final String PATH = "/ignite?cmd=probe";
    /** Ignite starts no REST listener on a client node (an aggregator) unless told to. */
    static final String START_ON_AGGREGATORS = "-DIGNITE_REST_START_ON_CLIENT=true";

    private HealthEndpoint() {
    }

    /** The connector that carries REST, bound to the node's own host; off (null) without the endpoint. */
    static String connectorConfiguration(boolean on, String host) {
        if (!on) {
            return "    <property name=\"connectorConfiguration\"><null/></property>\n";
        }
        return """
                    <property name="connectorConfiguration">
                      <bean class="org.apache.ignite.configuration.ConnectorConfiguration">
                        <property name="host" value="%s"/>
                      </bean>
                    </property>
                """.formatted(host);
    }
}

package dev.canopy.node;

import org.apache.ignite.plugin.PluginContext;

/**
 * Starts {@link StalledLoginRetry} on an aggregator once the node is up, whatever starts the node (our launcher
 * locally, the engine image's own startup on Kubernetes): named in a node's configuration where the engine's
 * authentication is on. It adds nothing the other nodes see, so nodes with and without it join one cluster (a cluster
 * whose nodes restart one at a time into a configuration that names it).
 */
public final class LoginRetryPlugin extends NodePlugin {
    private volatile PluginContext context;

    @Override
    public String name() {
        return "canopy-login-retry";
    }

    @Override
    public void start(PluginContext ctx) {
        context = ctx;
    }

    @Override
    public void onIgniteStart() {
        PluginContext ctx = context;
        // from the configuration: the node's public API is not open yet while plugins are told of the start
        if (ctx != null && ctx.igniteConfiguration().isAuthenticationEnabled()
                && Boolean.TRUE.equals(ctx.igniteConfiguration().isClientMode())) {
            StalledLoginRetry.of(ctx.grid()).ifPresent(StalledLoginRetry::start);
        }
    }
}

package dev.canopy.node;

import org.apache.ignite.plugin.CachePluginContext;
import org.apache.ignite.plugin.CachePluginProvider;
import org.apache.ignite.plugin.ExtensionRegistry;
import org.apache.ignite.plugin.IgnitePlugin;
import org.apache.ignite.plugin.PluginConfiguration;
import org.apache.ignite.plugin.PluginContext;
import org.apache.ignite.plugin.PluginProvider;
import org.apache.ignite.plugin.PluginValidationException;
import org.apache.ignite.cluster.ClusterNode;

import java.io.Serializable;
import java.util.UUID;

/**
 * Starts {@link StalledLoginRetry} on an aggregator once the node is up, whatever starts the node (our launcher
 * locally, the engine image's own startup on Kubernetes): named in a node's configuration where the engine's
 * authentication is on. It adds no component and no discovery data, so nodes with and without it join one cluster
 * (a cluster whose nodes restart one at a time into a configuration that names it).
 */
public final class LoginRetryPlugin implements PluginProvider<PluginConfiguration> {
    private static final IgnitePlugin NOTHING = new IgnitePlugin() {
    };

    private volatile PluginContext context;

    @Override
    public String name() {
        return "canopy-login-retry";
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public String copyright() {
        return "Canopy";
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends IgnitePlugin> T plugin() {
        return (T) NOTHING;
    }

    @Override
    public void initExtensions(PluginContext ctx, ExtensionRegistry registry) {
    }

    @Override
    public <T> T createComponent(PluginContext ctx, Class<T> cls) {
        // a security processor of another class would be refused by the engine's nodes that run without this plugin
        return null;
    }

    @Override
    public CachePluginProvider createCacheProvider(CachePluginContext ctx) {
        return null;
    }

    @Override
    public void start(PluginContext ctx) {
        context = ctx;
    }

    @Override
    public void stop(boolean cancel) {
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

    @Override
    public void onIgniteStop(boolean cancel) {
    }

    @Override
    public Serializable provideDiscoveryData(UUID nodeId) {
        return null;
    }

    @Override
    public void receiveDiscoveryData(UUID nodeId, Serializable data) {
    }

    @Override
    public void validateNewNode(ClusterNode node) throws PluginValidationException {
    }
}

package dev.canopy.node;

import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.plugin.CachePluginContext;
import org.apache.ignite.plugin.CachePluginProvider;
import org.apache.ignite.plugin.ExtensionRegistry;
import org.apache.ignite.plugin.IgnitePlugin;
import org.apache.ignite.plugin.PluginConfiguration;
import org.apache.ignite.plugin.PluginContext;
import org.apache.ignite.plugin.PluginProvider;

import java.io.Serializable;
import java.util.UUID;

/**
 * A plugin of Canopy's that hooks into one moment of a node's life and adds nothing else: no component, no cache
 * provider, no discovery data (so nodes with and without it join one cluster). The engine's plugin interface has no
 * default methods in 2.16/2.17; a plugin overrides the one it needs.
 */
abstract class NodePlugin implements PluginProvider<PluginConfiguration> {
    private static final IgnitePlugin NOTHING = new IgnitePlugin() {
    };

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
        return null;
    }

    @Override
    public CachePluginProvider createCacheProvider(CachePluginContext ctx) {
        return null;
    }

    @Override
    public void start(PluginContext ctx) {
    }

    @Override
    public void stop(boolean cancel) {
    }

    @Override
    public void onIgniteStart() {
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
    public void validateNewNode(ClusterNode node) {
    }
}

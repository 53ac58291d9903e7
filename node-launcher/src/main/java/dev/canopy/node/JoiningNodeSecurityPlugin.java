package dev.canopy.node;

import org.apache.ignite.internal.IgniteEx;
import org.apache.ignite.internal.processors.security.GridSecurityProcessor;
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
 * Gives a node with the engine's authentication on {@link JoiningNodeAuthenticationProcessor} instead of the engine's
 * own (the engine takes a plugin's security processor when it is one of its authentication processor's kind). Named in
 * the node's configuration where authentication is on; it does nothing else.
 */
public final class JoiningNodeSecurityPlugin implements PluginProvider<PluginConfiguration> {
    private static final IgnitePlugin NOTHING = new IgnitePlugin() {
    };

    @Override
    public String name() {
        return "canopy-joining-node-security";
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
    @SuppressWarnings("unchecked")
    public <T> T createComponent(PluginContext ctx, Class<T> cls) {
        if (cls.equals(GridSecurityProcessor.class) && ctx.igniteConfiguration().isAuthenticationEnabled()) {
            return (T) new JoiningNodeAuthenticationProcessor(((IgniteEx) ctx.grid()).context());
        }
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
    public void validateNewNode(ClusterNode node) throws PluginValidationException {
    }
}

package dev.canopy.node;

import org.apache.ignite.internal.IgniteEx;
import org.apache.ignite.internal.processors.security.GridSecurityProcessor;
import org.apache.ignite.plugin.PluginContext;

/**
 * Gives a node with the engine's authentication on {@link JoiningNodeAuthenticationProcessor} instead of the engine's
 * own (the engine takes a plugin's security processor when it is one of its authentication processor's kind). Named in
 * the configuration of a deployment's nodes only where the platform decided it when the deployment was fresh: Ignite
 * refuses a node whose security processor class differs from the cluster's, so a deployment's nodes all have it or
 * none does ({@code ClusterCredentials#joiningNodeSecurity}).
 */
public final class JoiningNodeSecurityPlugin extends NodePlugin {
    @Override
    public String name() {
        return "canopy-joining-node-security";
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T createComponent(PluginContext ctx, Class<T> cls) {
        if (cls.equals(GridSecurityProcessor.class) && ctx.igniteConfiguration().isAuthenticationEnabled()) {
            return (T) new JoiningNodeAuthenticationProcessor(((IgniteEx) ctx.grid()).context());
        }
        return null;
    }
}

package dev.canopy.controlplane.audit;

import dev.canopy.controlplane.store.ClusterEvent;
import dev.canopy.controlplane.store.ControlPlaneStore;
import dev.canopy.controlplane.telemetry.ClusterSample;
import dev.canopy.controlplane.telemetry.TelemetryHistory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiConsumer;

/**
 * Puts the logins a cluster's engine refused into the cluster's events, as the telemetry finds them: Ignite's built-in
 * authentication reports no event of its own, only a count per node (and a debug line), so the audit says how many
 * since the sample before rather than who. Fed by the duty holder's sampler: one replica records each refusal once.
 */
public final class RefusedLogins implements BiConsumer<TelemetryHistory.Key, ClusterSample> {
    public static final String REASON = "LoginsRefused";
    private static final Logger LOG = LoggerFactory.getLogger(RefusedLogins.class);

    private final ControlPlaneStore store;

    public RefusedLogins(ControlPlaneStore store) {
        this.store = store;
    }

    @Override
    public void accept(TelemetryHistory.Key key, ClusterSample sample) {
        Long refused = sample.refusedLoginsSinceLast();
        if (refused == null || refused <= 0) {
            return;
        }
        String message = refused + (refused == 1 ? " login" : " logins")
                + " refused by the engine (wrong user name or password, or a user that no longer exists) since the sample before";
        LOG.warn("{}/{}: {}", key.organization(), key.cluster(), message);
        try {
            store.transaction(tx -> {
                tx.insertEvent(new ClusterEvent(0, key.organization(), key.cluster(), "Warning", REASON, message, sample.at()));
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("{}/{}: cannot record the refused logins: {}", key.organization(), key.cluster(), e.toString());
        }
    }
}

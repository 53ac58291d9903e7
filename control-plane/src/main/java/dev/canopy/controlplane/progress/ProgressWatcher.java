package dev.canopy.controlplane.progress;

import dev.canopy.core.Loops;
import dev.canopy.controlplane.region.RegionCluster;
import dev.canopy.controlplane.audit.RefusedLogins;
import dev.canopy.controlplane.clusters.AutoscalerChange;
import dev.canopy.controlplane.region.RegionUnavailableException;
import dev.canopy.controlplane.region.Regions;
import dev.canopy.controlplane.store.ClusterEvent;
import dev.canopy.controlplane.store.ClusterRecord;
import dev.canopy.controlplane.store.ControlPlaneStore;
import dev.canopy.controlplane.store.Operation;
import dev.canopy.controlplane.store.StoreTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Follows what the regions do with the accepted changes: every few seconds it ends the operations their regions have
 * carried out (or failed), and records each cluster's changes of phase and step as events.
 */
public final class ProgressWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressWatcher.class);

    private final ControlPlaneStore store;
    private final Regions regions;
    private final Clock clock;
    /** Whether this replica does the background duties (see DutyLease): the others answer the API only. */
    private final java.util.function.BooleanSupplier leading;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("canopy-progress").daemon().factory());

    public ProgressWatcher(ControlPlaneStore store, Regions regions, Clock clock) {
        this(store, regions, clock, () -> true);
    }

    public ProgressWatcher(ControlPlaneStore store, Regions regions, Clock clock, java.util.function.BooleanSupplier leading) {
        this.store = store;
        this.regions = regions;
        this.clock = clock;
        this.leading = leading;
    }

    public ProgressWatcher start(Duration every) {
        loop.scheduleWithFixedDelay(this::passSafely, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void passSafely() {
        if (!leading.getAsBoolean()) {
            return;
        }
        try {
            pass();
        } catch (RuntimeException e) {
            if (loop.isShutdown()) {
                LOG.debug("a pass cut short by the platform's stop: {}", e.toString());
                return;
            }
            LOG.warn("following the regions failed, trying again on the next pass: {}", e.toString(), e);
        }
    }

    void pass() {
        for (Operation operation : store.read(StoreTransaction::unfinishedOperations)) {
            follow(operation);
        }
        for (ClusterRecord cluster : store.read(StoreTransaction::allClusters)) {
            recordEvent(cluster);
        }
    }

    // one region that does not answer must not stop the others' operations and events: each on its own
    private void follow(Operation operation) {
        try {
            Optional<RegionCluster> inRegion = regions.of(operation.region()).get(operation.regionName());
            OperationProgress.ending(operation, inRegion).ifPresent(ending -> {
                store.transaction(tx -> {
                    tx.finishOperation(operation.id(), ending.outcome(), ending.message(), clock.instant());
                    return null;
                });
                LOG.info("{}: operation {} ({} of {}) {}: {}", operation.organization(), operation.id(),
                        operation.action(), operation.cluster(), ending.outcome(), ending.message());
            });
        } catch (RegionUnavailableException e) {
            LOG.debug("operation {}: {}", operation.id(), e.getMessage());
        }
    }

    private void recordEvent(ClusterRecord cluster) {
        try {
            var status = regions.of(cluster.region()).get(cluster.regionName()).map(RegionCluster::status).orElse(null);
            OperationProgress.eventOf(status).ifPresent(text -> store.transaction(tx -> {
                // the last of the region's own: the audit's refused logins and the autoscaler's reasons come in between
                var last = tx.events(cluster.organization(), cluster.name(), 20).stream()
                        .filter(e -> !RefusedLogins.REASON.equals(e.reason()) && !AutoscalerChange.EVENT_REASONS.contains(e.reason()))
                        .findFirst()
                        .map(e -> new OperationProgress.EventText(e.type(), e.reason(), e.message()));
                if (last.isEmpty() || !last.get().equals(text)) {
                    tx.insertEvent(new ClusterEvent(0, cluster.organization(), cluster.name(), text.type(), text.reason(),
                            text.message(), clock.instant()));
                }
                return null;
            }));
        } catch (RegionUnavailableException e) {
            LOG.debug("cluster {}/{}: {}", cluster.organization(), cluster.name(), e.getMessage());
        }
    }

    @Override
    public void close() {
        // a pass under way ends first: interrupted, it failed in the store's pool ("Interrupted during connection
        // acquisition") and said so as a warning on every stop of the platform
        Loops.finishThenStop(loop, Duration.ofSeconds(10));
    }
}

package dev.canopy.controlplane.duties;

import dev.canopy.controlplane.store.ControlPlaneStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Which replica of the control plane does the background duties (following operations to their end, recording the
 * regions' events, sampling the clusters' telemetry): the one holding this lease in the shared database. Every replica
 * answers the API; one at a time follows, so that two never finish the same operation, record the same event twice or
 * ask an engine twice for the same sample. The holder renews every third of the lease's time; a replica that stops
 * (killed, cut from the database) stops counting as holder once its last renewal is older than that time, and another
 * takes the lease once it has expired in the database.
 */
public final class DutyLease implements AutoCloseable {
    static final String NAME = "background-duties";
    private static final Logger LOG = LoggerFactory.getLogger(DutyLease.class);

    private final ControlPlaneStore store;
    private final String holder;
    private final Duration ttl;
    private final Clock clock;
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("canopy-duty-lease").daemon().factory());
    /** When the lease was last taken or renewed here; null while another replica holds it. */
    private volatile Instant heldSince;
    private volatile Instant renewedAt;

    public DutyLease(ControlPlaneStore store, String holder, Duration ttl, Clock clock) {
        this.store = store;
        this.holder = holder;
        this.ttl = ttl;
        this.clock = clock;
    }

    public DutyLease start() {
        renewals.scheduleWithFixedDelay(this::renew, 0, Math.max(10, ttl.toMillis() / 3), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Whether this replica does the duties now: it holds the lease and renewed it within its time. */
    public boolean held() {
        Instant renewed = renewedAt;
        return heldSince != null && renewed != null && renewed.plus(ttl).isAfter(clock.instant());
    }

    /**
     * When this replica last took the lease, null while it does not hold it: a duty that keeps state in memory starts
     * it over when this changes, as another replica may have acted meanwhile.
     */
    public Instant heldSince() {
        return held() ? heldSince : null;
    }

    public String holder() {
        return holder;
    }

    void renew() {
        Instant now = clock.instant();
        boolean got;
        try {
            got = store.transaction(tx -> tx.holdLease(NAME, holder, now, now.plus(ttl)));
        } catch (RuntimeException e) {
            // another replica took it at the same moment, or the database is away: not held, tried again soon
            LOG.debug("{}: could not take or renew the lease of the background duties: {}", holder, e.toString());
            got = false;
        }
        if (got) {
            if (heldSince == null) {
                heldSince = now;
                LOG.info("{}: this replica does the background duties now (lease {}, {} s)", holder, NAME, ttl.toSeconds());
            }
            renewedAt = now;
        } else if (heldSince != null) {
            LOG.warn("{}: lost the lease of the background duties; another replica does them", holder);
            heldSince = null;
        }
    }

    /** Stops renewing and gives the lease up, so that another replica takes the duties at once. */
    @Override
    public void close() {
        renewals.shutdownNow();
        try {
            renewals.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (heldSince != null) {
            heldSince = null;
            try {
                store.transaction(tx -> {
                    tx.releaseLease(NAME, holder, clock.instant());
                    return null;
                });
            } catch (RuntimeException e) {
                // at the JVM's exit H2 may have closed itself first: the lease then simply expires
                LOG.debug("{}: could not give the lease up ({}); another replica takes it once it expires", holder, e.toString());
            }
        }
    }
}

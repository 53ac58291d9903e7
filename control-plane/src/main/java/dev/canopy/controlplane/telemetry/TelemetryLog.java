package dev.canopy.controlplane.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.canopy.controlplane.json.Json;
import dev.canopy.controlplane.store.ControlPlaneStore;
import dev.canopy.controlplane.store.StoreTransaction;
import dev.canopy.controlplane.store.StoredSample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The samples in the shared store as {@link ClusterSample}s: written by the duty holder, read by every replica. */
public final class TelemetryLog {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryLog.class);
    /**
     * Unknown fields ignored: while replicas of two versions run side by side (a rolling upgrade), one reads samples the
     * other wrote.
     */
    private static final ObjectReader READER = Json.mapper().readerFor(ClusterSample.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A cluster's sample; {@code id} orders the samples as they were written (0 in one to write). */
    public record Entry(long id, TelemetryHistory.Key key, ClusterSample sample) {
    }

    /**
     * Samples read after an id: the readable ones, the id of the last row read (an unreadable one included, so that it is
     * not read again), and whether the page was full (more may follow).
     */
    public record Page(List<Entry> entries, long lastId, boolean full) {
    }

    private final ControlPlaneStore store;

    public TelemetryLog(ControlPlaneStore store) {
        this.store = store;
    }

    /** Writes the samples in one transaction, in their order; how many were written (a deleted cluster's are not). */
    public int append(List<Entry> entries) {
        List<StoredSample> rows = entries.stream().map(e -> new StoredSample(0, e.key().organization(), e.key().cluster(),
                e.sample().at(), Json.write(e.sample()))).toList();
        return store.transaction(tx -> tx.appendTelemetry(rows));
    }

    public Page after(long id, int limit) {
        List<StoredSample> rows = store.read(tx -> tx.telemetryAfter(id, limit));
        List<Entry> entries = new ArrayList<>(rows.size());
        long last = id;
        for (StoredSample row : rows) {
            last = row.id();
            try {
                entries.add(new Entry(row.id(), new TelemetryHistory.Key(row.organization(), row.cluster()),
                        READER.readValue(row.json())));
            } catch (JsonProcessingException e) {
                // skipped rather than read again and again: the samples after it must still reach the history
                LOG.warn("telemetry: sample {} of {}/{} is not readable, skipped: {}", row.id(), row.organization(),
                        row.cluster(), e.getOriginalMessage());
            }
        }
        return new Page(entries, last, rows.size() == limit);
    }

    /** Deletes at most {@code limit} samples taken before {@code before}, oldest first; how many it deleted. */
    public int deleteBefore(Instant before, int limit) {
        return store.transaction(tx -> tx.deleteTelemetryBefore(before, limit));
    }

    /** The clusters that have a record: the only ones whose history is kept. */
    public Set<TelemetryHistory.Key> clusters() {
        return store.read(StoreTransaction::clusterNames).stream()
                .map(c -> new TelemetryHistory.Key(c.organization(), c.name())).collect(Collectors.toSet());
    }
}

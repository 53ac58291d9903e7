package dev.canopy.node;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CacheEntryVersion;
import org.apache.ignite.cdc.CdcConsumer;
import org.apache.ignite.cdc.CdcEvent;
import org.apache.ignite.configuration.ClientConnectorConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.failure.NoOpFailureHandler;
import org.apache.ignite.internal.util.typedef.F;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consumer against a real Ignite node through its real thin client, fed the way Ignite's CDC process feeds it: a
 * WAL segment's changes through Ignite's own filtering iterator (which reads ahead in {@code hasNext}), called again
 * while changes are left, its position committed after each call that returns {@code true}.
 */
class ThinClientCdcConsumerChunksTest {
    private static final String CACHE = "orders";
    /** A segment's worth of changes, several chunks long; every fifth is a backup's copy, never applied. */
    private static final int CHANGES = 5 * ThinClientCdcConsumer.CHUNK + 123;

    @TempDir
    static Path workDir;
    private static Ignite node;
    private static int clientPort;

    @BeforeAll
    static void startNode() throws IOException {
        System.setProperty("IGNITE_NO_ASCII", "true");
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
        int[] ports = FreePorts.take(3);
        clientPort = ports[2];
        node = Ignition.start(new IgniteConfiguration()
                .setIgniteInstanceName("cdc-consumer-test")
                .setWorkDirectory(workDir.resolve("node").toString())
                .setLocalHost("127.0.0.1")
                .setMetricsLogFrequency(0)
                .setConnectorConfiguration(null)
                // the default handler may halt the JVM on a critical failure: here that JVM runs the tests
                .setFailureHandler(new NoOpFailureHandler())
                .setDiscoverySpi(new TcpDiscoverySpi().setLocalPort(ports[0]).setLocalPortRange(0)
                        .setIpFinder(new TcpDiscoveryVmIpFinder().setAddresses(List.of("127.0.0.1:" + ports[0]))))
                .setCommunicationSpi(new TcpCommunicationSpi().setLocalPort(ports[1]).setLocalPortRange(0))
                .setClientConnectorConfiguration(new ClientConnectorConfiguration()
                        .setHost("127.0.0.1").setPort(clientPort).setPortRange(0))
                .setDataStorageConfiguration(new DataStorageConfiguration()
                        .setDefaultDataRegionConfiguration(new DataRegionConfiguration().setName("default")
                                .setPersistenceEnabled(false).setMaxSize(128L * 1024 * 1024))));
        node.getOrCreateCache(CACHE);
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            Ignition.stop(node.name(), true);
        }
    }

    @Test
    void aSegmentIsAppliedAndCommittedInChunksAndNoChangeIsCommittedUnapplied() {
        List<CdcEvent> segment = new ArrayList<>();
        int primaries = 0;
        for (int i = 0; i < CHANGES; i++) {
            boolean primary = i % 5 != 0;
            primaries += primary ? 1 : 0;
            segment.add(new Change(CACHE.hashCode(), primary ? i : -i - 1, "v" + i, primary));
        }
        CountingIterator wal = new CountingIterator(segment.iterator());
        IgniteCache<Integer, String> target = node.cache(CACHE);

        CdcConsumer consumer = ThinClientCdcConsumer.create("127.0.0.1:" + clientPort,
                workDir.resolve("cdc-state.properties").toString());
        consumer.start(null);
        List<Integer> takenPerCall = new ArrayList<>();
        try {
            int committed = 0;
            do {
                // as WalRecordsConsumer.onRecords wraps the WAL's entries: a filter, so hasNext reads ahead
                boolean commit = consumer.onEvents(F.iterator(wal, e -> e, true, e -> true));
                assertThat(commit).isTrue();
                takenPerCall.add(wal.pulled - committed);
                committed = wal.pulled;
                // the position committed now is what was pulled: every primary change up to it is on the target
                assertThat(target.size()).as("rows on the target after %d changes committed", committed)
                        .isEqualTo(primariesAmong(segment, committed));
            } while (wal.hasNext());
        } finally {
            consumer.stop();
        }

        assertThat(takenPerCall).as("changes taken per call").allSatisfy(taken ->
                assertThat(taken).isBetween(1, ThinClientCdcConsumer.CHUNK));
        assertThat(takenPerCall).hasSize((CHANGES + ThinClientCdcConsumer.CHUNK - 1) / ThinClientCdcConsumer.CHUNK);
        assertThat(target.size()).isEqualTo(primaries);
        assertThat(target.get(CHANGES - 1)).isEqualTo("v" + (CHANGES - 1));
        assertThat(target.get(-1)).as("a backup's copy").isNull();
    }

    private static int primariesAmong(List<CdcEvent> segment, int first) {
        return (int) segment.subList(0, first).stream().filter(CdcEvent::primary).count();
    }

    /** The WAL's entries: how many the CDC process has read, which is the position it commits. */
    private static final class CountingIterator implements Iterator<CdcEvent> {
        private final Iterator<CdcEvent> entries;
        int pulled;

        CountingIterator(Iterator<CdcEvent> entries) {
            this.entries = entries;
        }

        @Override
        public boolean hasNext() {
            return entries.hasNext();
        }

        @Override
        public CdcEvent next() {
            pulled++;
            return entries.next();
        }
    }

    private static final class Change implements CdcEvent {
        private final int cacheId;
        private final Object key;
        private final Object value;
        private final boolean primary;

        Change(int cacheId, Object key, Object value, boolean primary) {
            this.cacheId = cacheId;
            this.key = key;
            this.value = value;
            this.primary = primary;
        }

        @Override public Object key() { return key; }
        @Override public Object value() { return value; }
        @Override public boolean primary() { return primary; }
        @Override public int partition() { return 0; }
        @Override public CacheEntryVersion version() { return null; }
        @Override public int cacheId() { return cacheId; }
        @Override public long expireTime() { return 0; }
    }
}

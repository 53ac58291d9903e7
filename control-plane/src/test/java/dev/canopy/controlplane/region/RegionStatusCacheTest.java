package dev.canopy.controlplane.region;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The cache in front of the regions: what answers read, how it learns changes, and what it shows when a region is down. */
class RegionStatusCacheTest {
    private static final DatabaseClusterSpec SPEC = new DatabaseClusterSpec("2.17.0", 1, new AggregatorsSpec(1, 0.25),
            new LeavesSpec(1, 0.25, 1, null), Map.of(), false);
    private RegionStatusCache cache;

    @AfterEach
    void stop() {
        if (cache != null) {
            cache.close();
        }
    }

    /** A region in memory (a FakeRegion, which tells its changes) that counts its reads and can stop answering. */
    private static class CountingRegion implements Region {
        final AtomicInteger reads = new AtomicInteger();
        final FakeRegion fake;
        volatile boolean down;

        CountingRegion(FakeRegion fake) {
            this.fake = fake;
        }

        @Override
        public String name() {
            return fake.name();
        }

        @Override
        public String kind() {
            return fake.kind();
        }

        @Override
        public long apply(String clusterName, DatabaseClusterSpec spec) {
            return fake.apply(clusterName, spec);
        }

        @Override
        public boolean delete(String clusterName) {
            return fake.delete(clusterName);
        }

        @Override
        public List<String> releases() {
            return fake.releases();
        }

        @Override
        public RegionHealth health() {
            return fake.health();
        }

        @Override
        public boolean onChange(java.util.function.Consumer<String> changed) {
            return fake.onChange(changed);
        }

        @Override
        public java.util.Optional<RegionCluster> get(String clusterName) {
            reads.incrementAndGet();
            requireUp();
            return fake.get(clusterName);
        }

        @Override
        public List<RegionCluster> list() {
            reads.incrementAndGet();
            requireUp();
            return fake.list();
        }

        private void requireUp() {
            if (down) {
                throw new RegionUnavailableException("region eu does not answer: connection refused", null);
            }
        }
    }

    /** A region that tells no change: known only by its lists, and by what this control plane changes. */
    private static CountingRegion silent(FakeRegion fake) {
        return new CountingRegion(fake) {
            @Override
            public boolean onChange(java.util.function.Consumer<String> changed) {
                return false;
            }
        };
    }

    @Test
    void aChangeTheRegionTellsIsReadOnceByTheCacheAndEveryAnswerComesFromMemory() {
        FakeRegion fake = new FakeRegion("local", List.of("2.17.0"));
        CountingRegion region = new CountingRegion(fake);
        fake.apply("orders", SPEC);
        cache = new RegionStatusCache(new Regions(List.of(region)), Clock.systemUTC(), Duration.ofMinutes(10), Duration.ofMinutes(10)).start();

        assertThat(cache.get("local", "orders")).as("listed at start").isPresent();
        int afterFirst = region.reads.get();
        for (int i = 0; i < 100; i++) {
            assertThat(cache.get("local", "orders").orElseThrow().status()).isNull();
        }
        assertThat(region.reads.get()).as("100 answers, no read of the region").isEqualTo(afterFirst);

        fake.writeStatus("orders", new DatabaseClusterStatus(Phase.Ready, List.of(), 1L, null, null, null, null, null));
        await("the told change read").atMost(Duration.ofSeconds(5))
                .until(() -> cache.get("local", "orders").orElseThrow().status() != null);
        assertThat(cache.get("local", "orders").orElseThrow().status().phase()).isEqualTo(Phase.Ready);
        assertThat(region.reads.get()).as("the told change read once").isEqualTo(afterFirst + 1);
        cache.get("local", "orders");
        assertThat(region.reads.get()).isEqualTo(afterFirst + 1);
    }

    @Test
    void aChangeThisControlPlaneMakesIsReadBackAtOnceForItsWriter() {
        FakeRegion fake = new FakeRegion("eu", List.of("2.17.0"));
        CountingRegion region = silent(fake);
        cache = new RegionStatusCache(new Regions(List.of(region)), Clock.systemUTC(), Duration.ofMinutes(10), Duration.ofMinutes(10)).start();
        assertThat(cache.get("eu", "orders")).isEmpty();

        fake.apply("orders", SPEC);
        cache.changed("eu", "orders");
        assertThat(cache.get("eu", "orders")).as("the writer reads its own write").isPresent();

        fake.delete("orders");
        cache.changed("eu", "orders");
        assertThat(cache.get("eu", "orders").orElseThrow().deleting()).isTrue();
    }

    @Test
    void aClusterMadeElsewhereSinceTheLastListIsFetchedInTheBackground() {
        FakeRegion fake = new FakeRegion("eu", List.of("2.17.0"));
        CountingRegion region = silent(fake);
        cache = new RegionStatusCache(new Regions(List.of(region)), Clock.systemUTC(), Duration.ofMinutes(10), Duration.ofMinutes(10)).start();
        fake.apply("orders", SPEC);
        assertThat(cache.get("eu", "orders")).as("not read on the request's thread").isEmpty();
        await("fetched by the cache").atMost(Duration.ofSeconds(5)).until(() -> cache.get("eu", "orders").isPresent());

        int reads = region.reads.get();
        for (int i = 0; i < 50; i++) {
            assertThat(cache.get("eu", "missing")).isEmpty();
        }
        await("the missing one read").atMost(Duration.ofSeconds(5)).until(() -> region.reads.get() > reads);
        assertThat(region.reads.get()).as("a missing cluster is read once until the next list").isLessThanOrEqualTo(reads + 2);
    }

    @Test
    void aRegionThatStopsAnsweringIsShownAsLastReadAndStaleUntilItAnswersAgain() {
        FakeRegion fake = new FakeRegion("eu", List.of("2.17.0"));
        CountingRegion region = silent(fake);
        fake.apply("orders", SPEC);
        fake.writeStatus("orders", new DatabaseClusterStatus(Phase.Ready, List.of(), 1L, null, null, null, null, null));
        cache = new RegionStatusCache(new Regions(List.of(region)), Clock.systemUTC(), Duration.ofMinutes(10),
                Duration.ofMillis(100)).start();
        assertThat(cache.get("eu", "orders").orElseThrow().status().phase()).isEqualTo(Phase.Ready);
        assertThat(cache.staleSince("eu")).isEmpty();

        region.down = true;
        await("marked stale").atMost(Duration.ofSeconds(5)).until(() -> cache.staleSince("eu").isPresent());
        assertThat(cache.get("eu", "orders").orElseThrow().status().phase()).as("as last read").isEqualTo(Phase.Ready);

        fake.writeStatus("orders", new DatabaseClusterStatus(Phase.Degraded, List.of(), 1L, null, null, null, null, null));
        region.down = false;
        await("caught up").atMost(Duration.ofSeconds(5)).until(() -> cache.staleSince("eu").isEmpty()
                && cache.get("eu", "orders").orElseThrow().status().phase() == Phase.Degraded);
    }

    @Test
    void aRegionNeverReadThatDoesNotAnswerShowsItsClustersStaleInsteadOfFailing() {
        CountingRegion region = new CountingRegion(new FakeRegion("eu", List.of("2.17.0")));
        region.down = true;
        cache = new RegionStatusCache(new Regions(List.of(region)), Clock.systemUTC(), Duration.ofMinutes(10), Duration.ofMinutes(10)).start();
        assertThat(cache.get("eu", "orders")).isEmpty();
        assertThat(cache.staleSince("eu")).isPresent();
    }
}

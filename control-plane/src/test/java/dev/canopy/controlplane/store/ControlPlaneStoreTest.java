package dev.canopy.controlplane.store;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.controlplane.secrets.SecretBox;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ControlPlaneStoreTest {
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    static final DatabaseClusterSpec SPEC = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5),
            new LeavesSpec(2, 0.5, 10, null), Map.of("walMode", "LOG_ONLY"), null);

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void organizationsAndKeysAreStoredAndKeysRevoked(TestDatabases database) {
        try (ControlPlaneStore store = database.open()) {
            store.transaction(tx -> {
                tx.insertOrganization(new Organization("acme", T0));
                tx.insertKey(new ApiKey("k1", "acme", Role.viewer, "ci", "ab".repeat(32), T0, null));
                return null;
            });
            assertThat(store.<java.util.Optional<ApiKey>>read(tx -> tx.key("k1"))).hasValueSatisfying(key -> {
                assertThat(key.role()).isEqualTo(Role.viewer);
                assertThat(key.secretSha256()).isEqualTo("ab".repeat(32));
                assertThat(key.createdAt()).isEqualTo(T0);
                assertThat(key.revoked()).isFalse();
            });
            assertThat(store.<Boolean>transaction(tx -> tx.revokeKey("other", "k1", T0))).isFalse();
            assertThat(store.<Boolean>transaction(tx -> tx.revokeKey("acme", "k1", T0.plusSeconds(1)))).isTrue();
            assertThat(store.read(tx -> tx.key("k1")).orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(1));
            assertThatThrownBy(() -> store.transaction(tx -> {
                tx.insertOrganization(new Organization("acme", T0));
                return null;
            })).isInstanceOf(AlreadyExistsException.class).hasMessageContaining("organization acme");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void clusterUpdatesNeedTheCurrentResourceVersion(TestDatabases database) {
        try (ControlPlaneStore store = database.open()) {
            ClusterRecord created = new ClusterRecord("acme", "orders", "local", "acme-orders", SPEC, 1, 1, T0, T0);
            store.transaction(tx -> {
                tx.insertOrganization(new Organization("acme", T0));
                tx.insertCluster(created);
                return null;
            });
            assertThat(store.<java.util.Optional<ClusterRecord>>read(tx -> tx.cluster("acme", "orders"))).contains(created);
            assertThat(store.<java.util.Optional<ClusterRecord>>read(tx -> tx.clusterInRegion("local", "acme-orders"))).contains(created);

            ClusterRecord suspended = new ClusterRecord("acme", "orders", "local", "acme-orders",
                    SPEC.withSuspended(true), 2, 1, T0, T0.plus(1, ChronoUnit.MINUTES));
            assertThat(store.<Boolean>transaction(tx -> tx.updateCluster(suspended, 1))).isTrue();
            // a writer that read version 1 is too late now
            assertThat(store.<Boolean>transaction(tx -> tx.updateCluster(suspended, 1))).isFalse();
            ClusterRecord stored = store.read(tx -> tx.cluster("acme", "orders")).orElseThrow();
            assertThat(stored.spec().isSuspended()).isTrue();
            assertThat(stored.generation()).isEqualTo(2);
            assertThat(stored.resourceVersion()).isEqualTo(2);

            assertThat(store.<Boolean>transaction(tx -> tx.deleteCluster("acme", "orders", 1))).isFalse();
            assertThat(store.<Boolean>transaction(tx -> tx.deleteCluster("acme", "orders", 2))).isTrue();
            assertThat(store.<java.util.List<ClusterRecord>>read(tx -> tx.clusters("acme"))).isEmpty();
        }
    }

    /**
     * A page of a listing is one query: the organization's clusters by name after the cursor, of one region, starting
     * with a prefix whose % and _ are letters like any other, at most the limit; another organization's never.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void aPageOfClustersIsReadByNameAfterTheCursorWithItsFilters(TestDatabases database) {
        try (ControlPlaneStore store = database.open()) {
            store.transaction(tx -> {
                tx.insertOrganization(new Organization("acme", T0));
                tx.insertOrganization(new Organization("beta", T0));
                for (int i = 0; i < 25; i++) {
                    String name = "c%02d".formatted(i);
                    String region = i % 2 == 0 ? "local" : "eu-west";
                    tx.insertCluster(new ClusterRecord("acme", name, region, "acme-" + name, SPEC, 1, 1, T0, T0));
                    tx.insertCluster(new ClusterRecord("beta", name, region, "beta-" + name, SPEC, 1, 1, T0, T0));
                }
                for (String name : List.of("a_1", "ab1", "a%1", "aa1")) {
                    tx.insertCluster(new ClusterRecord("acme", name, "wild", name.replace('%', 'p').replace('_', 'u'),
                            SPEC, 1, 1, T0, T0));
                }
                return null;
            });

            List<String> walked = new ArrayList<>();
            String after = null;
            List<ClusterRecord> page;
            do {
                String cursor = after;
                page = store.read(tx -> tx.clusters("acme", cursor, "local", null, 5));
                assertThat(page).hasSizeLessThanOrEqualTo(5).allSatisfy(c -> {
                    assertThat(c.organization()).isEqualTo("acme");
                    assertThat(c.region()).isEqualTo("local");
                });
                page.forEach(c -> walked.add(c.name()));
                after = page.isEmpty() ? null : page.get(page.size() - 1).name();
            } while (page.size() == 5);
            assertThat(walked).containsExactly("c00", "c02", "c04", "c06", "c08", "c10", "c12", "c14", "c16", "c18",
                    "c20", "c22", "c24");

            assertThat(names(store, "c12", null, null, 4)).containsExactly("c13", "c14", "c15", "c16");
            assertThat(names(store, null, null, "c1", 100)).containsExactly("c10", "c11", "c12", "c13", "c14", "c15",
                    "c16", "c17", "c18", "c19");
            assertThat(names(store, "c15", "eu-west", "c1", 100)).containsExactly("c17", "c19");
            assertThat(names(store, "c24", null, null, 100)).isEmpty();
            assertThat(names(store, null, "nowhere", null, 100)).isEmpty();
            assertThat(names(store, null, null, "a_", 100)).as("_ is no wildcard").containsExactly("a_1");
            assertThat(names(store, null, null, "a%", 100)).as("% is no wildcard").containsExactly("a%1");
            assertThat(names(store, null, "wild", "a", 100)).containsExactlyInAnyOrder("a_1", "ab1", "a%1", "aa1");
            assertThat(names(store, null, null, "!", 100)).isEmpty();
        }
    }

    private static List<String> names(ControlPlaneStore store, String after, String region, String prefix, int limit) {
        return store.read(tx -> tx.clusters("acme", after, region, prefix, limit)).stream().map(ClusterRecord::name).toList();
    }

    /**
     * What two changes of one cluster at once get from either database: the second waits for the first's row, then
     * finds the version it read gone (false, no error), so it never goes on to write the region.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void aSecondChangeOfARowWaitsForTheFirstThenFindsItsVersionGone(TestDatabases database) throws Exception {
        TestDatabases.Fresh fresh = database.fresh();
        ClusterRecord created = new ClusterRecord("acme", "orders", "local", "acme-orders", SPEC, 1, 1, T0, T0);
        try (ControlPlaneStore store = fresh.open(); ExecutorService threads = Executors.newFixedThreadPool(2)) {
            store.transaction(tx -> {
                tx.insertOrganization(new Organization("acme", T0));
                tx.insertCluster(created);
                return null;
            });
            ClusterRecord suspended = new ClusterRecord("acme", "orders", "local", "acme-orders", SPEC.withSuspended(true),
                    1, 2, T0, T0);
            ClusterRecord resumed = new ClusterRecord("acme", "orders", "local", "acme-orders", SPEC.withSuspended(false),
                    1, 2, T0, T0);
            Holding<Boolean> first = new Holding<>(threads, store, tx -> tx.updateCluster(suspended, 1));
            Future<Boolean> second = threads.submit(() -> store.<Boolean>transaction(tx -> tx.updateCluster(resumed, 1)));
            await("the second waits").atMost(Duration.ofSeconds(30)).until(() -> fresh.executing("UPDATE clusters"));
            assertThat(first.commit()).isTrue();
            assertThat(second.get(30, TimeUnit.SECONDS)).isFalse();
            ClusterRecord stored = store.read(tx -> tx.cluster("acme", "orders")).orElseThrow();
            assertThat(stored.spec().isSuspended()).isTrue();
            assertThat(stored.resourceVersion()).isEqualTo(2);
        }
    }

    /**
     * Two requests with one Idempotency-Key at once: the second's claim waits for the first's transaction, then finds
     * the key taken once it committed, or free once it rolled back.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void aSecondClaimOfAKeyWaitsForTheFirstThenFindsItTakenOrFree(TestDatabases database) throws Exception {
        TestDatabases.Fresh fresh = database.fresh();
        try (ControlPlaneStore store = fresh.open(); ExecutorService threads = Executors.newFixedThreadPool(2)) {
            store.transaction(tx -> {
                tx.insertOrganization(new Organization("acme", T0));
                return null;
            });
            StoredResponse answer = new StoredResponse("h1", 201, "{\"name\":\"orders\"}");
            Holding<Void> first = new Holding<>(threads, store, tx -> {
                tx.claimIdempotencyKey("acme", "retry-1", "h1", T0);
                tx.storeResponse("acme", "retry-1", answer);
                return null;
            });
            Future<?> second = threads.submit(() -> store.transaction(tx -> {
                tx.claimIdempotencyKey("acme", "retry-1", "h1", T0);
                return null;
            }));
            await("the second waits").atMost(Duration.ofSeconds(30)).until(() -> fresh.executing("INSERT INTO idempotency_keys"));
            first.commit();
            assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(AlreadyExistsException.class);
            assertThat(store.<java.util.Optional<StoredResponse>>read(tx -> tx.storedResponse("acme", "retry-1"))).contains(answer);

            Holding<Void> refused = new Holding<>(threads, store, tx -> {
                tx.claimIdempotencyKey("acme", "retry-2", "h2", T0);
                return null;
            });
            Future<?> retried = threads.submit(() -> store.transaction(tx -> {
                tx.claimIdempotencyKey("acme", "retry-2", "h2", T0);
                tx.storeResponse("acme", "retry-2", answer);
                return null;
            }));
            await("the retry waits").atMost(Duration.ofSeconds(30)).until(() -> fresh.executing("INSERT INTO idempotency_keys"));
            refused.rollBack();
            retried.get(30, TimeUnit.SECONDS);
            assertThat(store.<java.util.Optional<StoredResponse>>read(tx -> tx.storedResponse("acme", "retry-2"))).contains(answer);
        }
    }

    /** A transaction that did its work in a thread of its own and stays open until told to commit or roll back. */
    private static final class Holding<T> {
        private final CountDownLatch done = new CountDownLatch(1);
        private final CountDownLatch end = new CountDownLatch(1);
        private volatile boolean commit;
        private final Future<T> result;

        Holding(ExecutorService threads, ControlPlaneStore store, java.util.function.Function<StoreTransaction, T> work) throws Exception {
            result = threads.submit(() -> store.transaction(tx -> {
                T value = work.apply(tx);
                done.countDown();
                awaitUninterruptibly(end);
                if (!commit) {
                    throw new IllegalStateException("rolled back");
                }
                return value;
            }));
            assertThat(done.await(30, TimeUnit.SECONDS)).as("the first did its work").isTrue();
        }

        T commit() throws Exception {
            commit = true;
            end.countDown();
            return result.get(30, TimeUnit.SECONDS);
        }

        void rollBack() {
            end.countDown();
            assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS)).hasRootCauseMessage("rolled back");
        }

        private static void awaitUninterruptibly(CountDownLatch latch) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void aRegionNameIsTakenOnceAndAFailedTransactionLeavesNothing(TestDatabases database) {
        try (ControlPlaneStore store = database.open()) {
            store.transaction(tx -> {
                tx.insertOrganization(new Organization("acme", T0));
                tx.insertOrganization(new Organization("beta", T0));
                tx.insertCluster(new ClusterRecord("acme", "orders", "local", "shared", SPEC, 1, 1, T0, T0));
                return null;
            });
            assertThatThrownBy(() -> store.transaction(tx -> {
                tx.insertCluster(new ClusterRecord("beta", "orders", "local", "shared", SPEC, 1, 1, T0, T0));
                return null;
            })).isInstanceOf(AlreadyExistsException.class);
            assertThatThrownBy(() -> store.transaction(tx -> {
                tx.insertCluster(new ClusterRecord("beta", "orders", "local", "beta-orders", SPEC, 1, 1, T0, T0));
                throw new IllegalStateException("the region refused it");
            })).hasMessage("the region refused it");
            assertThat(store.<java.util.List<ClusterRecord>>read(tx -> tx.clusters("beta"))).isEmpty();
            assertThat(store.<java.util.List<ClusterRecord>>read(StoreTransaction::allClusters)).extracting(ClusterRecord::organization).containsExactly("acme");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void idempotentResponsesAndOperationsAreKeptPerOrganization(TestDatabases database) {
        try (ControlPlaneStore store = database.open()) {
            store.transaction(tx -> {
                tx.insertOrganization(new Organization("acme", T0));
                tx.insertOrganization(new Organization("beta", T0));
                tx.claimIdempotencyKey("acme", "retry-1", "h1", T0);
                tx.storeResponse("acme", "retry-1", new StoredResponse("h1", 201, "{\"name\":\"orders\"}"));
                tx.record(Operation.of("acme", "k1", "create", "orders", "{}", Operation.Outcome.accepted, null, T0));
                tx.record(Operation.of("acme", "k1", "resize", "orders", "{}", Operation.Outcome.refused, "leaves.count: too many", T0));
                tx.record(Operation.of("acme", "k2", "create", "users", "{}", Operation.Outcome.accepted, null, T0));
                tx.record(Operation.of("beta", "k9", "create", "orders", "{}", Operation.Outcome.accepted, null, T0));
                return null;
            });
            assertThat(store.<java.util.Optional<StoredResponse>>read(tx -> tx.storedResponse("acme", "retry-1")))
                    .contains(new StoredResponse("h1", 201, "{\"name\":\"orders\"}"));
            assertThat(store.<java.util.Optional<StoredResponse>>read(tx -> tx.storedResponse("beta", "retry-1"))).isEmpty();
            assertThat(store.<java.util.List<Operation>>read(tx -> tx.operations("acme", null, 10))).extracting(Operation::action)
                    .containsExactly("create", "resize", "create");
            assertThat(store.<java.util.List<Operation>>read(tx -> tx.operations("acme", "orders", 10)))
                    .extracting(Operation::action, Operation::outcome, Operation::message)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("resize", Operation.Outcome.refused, "leaves.count: too many"),
                            org.assertj.core.groups.Tuple.tuple("create", Operation.Outcome.accepted, null));
            assertThat(store.<java.util.List<Operation>>read(tx -> tx.operations("acme", null, 1))).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void acceptedOperationsAreFollowedUntilFinishedAndEventsKeptPerCluster(TestDatabases database) {
        try (ControlPlaneStore store = database.open()) {
            long followed = store.transaction(tx -> {
                tx.insertOrganization(new Organization("acme", T0));
                tx.record(Operation.of("acme", "k1", "create-key", null, null, Operation.Outcome.succeeded, "key k2", T0));
                tx.record(Operation.of("acme", "k1", "resize", "orders", "{}", Operation.Outcome.refused, "no", T0));
                return tx.record(Operation.of("acme", "k1", "resize", "orders", "{}", Operation.Outcome.accepted, null, T0)
                        .following("local", "acme-orders", 7L));
            });
            assertThat(store.<java.util.List<Operation>>read(StoreTransaction::unfinishedOperations))
                    .singleElement().satisfies(op -> {
                        assertThat(op.id()).isEqualTo(followed);
                        assertThat(op.generation()).isEqualTo(7L);
                        assertThat(op.regionName()).isEqualTo("acme-orders");
                        assertThat(op.finishedAt()).isNull();
                    });
            store.transaction(tx -> {
                tx.finishOperation(followed, Operation.Outcome.succeeded, "Ready at generation 7", T0.plusSeconds(5));
                tx.insertEvent(new ClusterEvent(0, "acme", "orders", "Scaling", "StartingLeaves", "starting leaf-ag1-2", T0));
                tx.insertEvent(new ClusterEvent(0, "acme", "orders", "Ready", "Ready", "nothing to do", T0.plusSeconds(5)));
                tx.insertEvent(new ClusterEvent(0, "acme", "users", "Ready", "Ready", "nothing to do", T0));
                return null;
            });
            assertThat(store.<java.util.List<Operation>>read(StoreTransaction::unfinishedOperations)).isEmpty();
            Operation finished = store.<java.util.List<Operation>>read(tx -> tx.operations("acme", "orders", 1)).getFirst();
            assertThat(finished.outcome()).isEqualTo(Operation.Outcome.succeeded);
            assertThat(finished.finishedAt()).isEqualTo(T0.plusSeconds(5));
            assertThat(store.<java.util.List<ClusterEvent>>read(tx -> tx.events("acme", "orders", 10)))
                    .extracting(ClusterEvent::type).containsExactly("Ready", "Scaling");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void anOrganizationIsDeletedWithEveryRowThatNamesItButNotWhileItHasAClusterRecord(TestDatabases database) {
        try (ControlPlaneStore store = database.open()) {
            store.transaction(tx -> {
                tx.insertOrganization(new Organization("acme", T0));
                tx.insertOrganization(new Organization("beta", T0));
                for (String org : java.util.List.of("acme", "beta")) {
                    tx.insertKey(new ApiKey(org + "1", org, Role.admin, "", "ab".repeat(32), T0, null));
                    tx.claimIdempotencyKey(org, "retry-1", "h1", T0);
                    tx.storeResponse(org, "retry-1", new StoredResponse("h1", 201, "{}"));
                    tx.record(Operation.of(org, org + "1", "create", "orders", "{}", Operation.Outcome.refused, null, T0));
                    tx.insertEvent(new ClusterEvent(0, org, "orders", "Ready", "Ready", "", T0));
                }
                tx.insertCluster(new ClusterRecord("beta", "orders", "local", "beta-orders", SPEC, 1, 1, T0, T0));
                return null;
            });
            assertThat(store.<Map<String, Integer>>read(StoreTransaction::clusterCounts)).isEqualTo(Map.of("beta", 1));

            assertThat(store.<Boolean>transaction(tx -> tx.deleteOrganization("acme"))).isTrue();
            assertThat(store.<Boolean>transaction(tx -> tx.deleteOrganization("acme"))).isFalse();
            assertThat(store.<java.util.List<Organization>>read(StoreTransaction::organizations)).extracting(Organization::name).containsExactly("beta");
            assertThat(store.<java.util.Optional<ApiKey>>read(tx -> tx.key("acme1"))).isEmpty();
            assertThat(store.<java.util.Optional<StoredResponse>>read(tx -> tx.storedResponse("acme", "retry-1"))).isEmpty();
            assertThat(store.<java.util.List<Operation>>read(tx -> tx.operations("acme", null, 10))).isEmpty();
            assertThat(store.<java.util.List<ClusterEvent>>read(tx -> tx.events("acme", "orders", 10))).isEmpty();
            // the other organization keeps everything
            assertThat(store.<java.util.Optional<ApiKey>>read(tx -> tx.key("beta1"))).isPresent();
            assertThat(store.<java.util.List<Operation>>read(tx -> tx.operations("beta", null, 10))).hasSize(1);

            // one with a cluster record is refused by the database, and nothing of it goes
            assertThatThrownBy(() -> store.transaction(tx -> tx.deleteOrganization("beta")))
                    .isInstanceOf(BusyException.class).hasMessageContaining("organization beta");
            assertThat(store.<java.util.Optional<ApiKey>>read(tx -> tx.key("beta1"))).isPresent();
            assertThat(store.<java.util.List<ClusterEvent>>read(tx -> tx.events("beta", "orders", 10))).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void registeredRegionsAreStoredWholeAndRemoved(TestDatabases database) {
        try (ControlPlaneStore store = database.open()) {
            // a kubeconfig is long and multi-line; it is kept exactly as given
            RegionRecord eu = new RegionRecord("eu-west", "kubernetes", "apiVersion: v1\nkind: Config\n# " + "x".repeat(20_000),
                    "prod", "canopy", T0);
            store.transaction(tx -> {
                tx.insertRegion(eu);
                return null;
            });
            assertThat(store.read(StoreTransaction::regions)).containsExactly(eu);
            assertThatThrownBy(() -> store.transaction(tx -> {
                tx.insertRegion(eu);
                return null;
            })).isInstanceOf(AlreadyExistsException.class).hasMessageContaining("region eu-west");
            assertThat(eu.toString()).doesNotContain("apiVersion");

            store.transaction(tx -> {
                tx.insertOrganization(new Organization("acme", T0));
                tx.insertCluster(new ClusterRecord("acme", "orders", "eu-west", "acme-orders", SPEC, 1, 1, T0, T0));
                return null;
            });
            assertThat(store.<java.util.List<ClusterRecord>>read(tx -> tx.clustersInRegion("eu-west"))).extracting(ClusterRecord::name).containsExactly("orders");
            assertThat(store.<java.util.List<ClusterRecord>>read(tx -> tx.clustersInRegion("local"))).isEmpty();

            assertThat(store.<Boolean>transaction(tx -> tx.deleteRegion("eu-west"))).isTrue();
            assertThat(store.<Boolean>transaction(tx -> tx.deleteRegion("eu-west"))).isFalse();
            assertThat(store.read(StoreTransaction::regions)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void aRegionsKubeconfigIsSealedAtRestAndOpensOnlyWithItsKey(TestDatabases database) throws Exception {
        TestDatabases.Fresh fresh = database.fresh();
        String kubeconfig = "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: bearer-s3cr3t-token\n";
        RegionRecord eu = new RegionRecord("eu-west", "kubernetes", kubeconfig, "prod", "canopy", T0);
        try (ControlPlaneStore store = fresh.open()) {
            store.transaction(tx -> {
                tx.insertRegion(eu);
                return null;
            });
            assertThat(store.read(StoreTransaction::regions)).containsExactly(eu);
        }
        assertThat(rawKubeconfig(fresh, "eu-west")).startsWith("sealed:v1:").doesNotContain("s3cr3t");

        // another key: refused at start, naming what it could not open and what to do
        assertThatThrownBy(() -> fresh.open(SecretBox.generate("$CANOPY_SECRET_KEY")).close())
                .isInstanceOf(SecretBox.WrongSecretKeyException.class)
                .hasMessage("cannot open region eu-west's kubeconfig with the secret key from $CANOPY_SECRET_KEY: it is not"
                        + " the key that sealed it; start the control plane with that key ($CANOPY_SECRET_KEY or"
                        + " $CANOPY_SECRET_KEY_FILE)");

        // a kubeconfig an earlier version stored in clear is sealed on the next start
        try (Connection sql = DriverManager.getConnection(fresh.url(), fresh.user(), null);
             PreparedStatement update = sql.prepareStatement("UPDATE regions SET kubeconfig = ? WHERE name = 'eu-west'")) {
            update.setString(1, kubeconfig);
            update.executeUpdate();
        }
        try (ControlPlaneStore store = fresh.open()) {
            assertThat(store.read(StoreTransaction::regions)).containsExactly(eu);
        }
        assertThat(rawKubeconfig(fresh, "eu-west")).startsWith("sealed:v1:").doesNotContain("s3cr3t");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void telemetrySamplesAreReadInTheOrderWrittenDeletedOldestFirstAndGoWithTheirCluster(TestDatabases database) {
        try (ControlPlaneStore store = database.open()) {
            store.transaction(tx -> {
                tx.insertOrganization(new Organization("acme", T0));
                tx.insertCluster(new ClusterRecord("acme", "orders", "local", "acme-orders", SPEC, 1, 1, T0, T0));
                tx.insertCluster(new ClusterRecord("acme", "users", "local", "acme-users", SPEC, 1, 1, T0, T0));
                return null;
            });
            assertThat(store.<List<ClusterName>>read(StoreTransaction::clusterNames))
                    .containsExactlyInAnyOrder(new ClusterName("acme", "orders"), new ClusterName("acme", "users"));

            // "gone" has no record: its sample is not written
            int written = store.transaction(tx -> tx.appendTelemetry(List.of(sample("users", 0), sample("orders", 0),
                    sample("gone", 1), sample("orders", 1), sample("orders", 5))));
            assertThat(written).isEqualTo(4);
            List<StoredSample> all = store.read(tx -> tx.telemetryAfter(0, 100));
            assertThat(all).extracting(s -> s.cluster() + "@" + (s.sampledAt().getEpochSecond() - T0.getEpochSecond()))
                    .containsExactly("users@0", "orders@0", "orders@1", "orders@5");
            assertThat(all).extracting(StoredSample::id).isSorted().doesNotHaveDuplicates();
            assertThat(all.getFirst().json()).isEqualTo(sample("users", 0).json());
            assertThat(all.getFirst().organization()).isEqualTo("acme");
            assertThat(store.<List<StoredSample>>read(tx -> tx.telemetryAfter(all.get(1).id(), 1))).containsExactly(all.get(2));

            // past the time kept: the oldest first, no more than asked
            assertThat(store.<Integer>transaction(tx -> tx.deleteTelemetryBefore(T0.plusSeconds(5), 2))).isEqualTo(2);
            assertThat(store.<List<StoredSample>>read(tx -> tx.telemetryAfter(0, 100))).containsExactly(all.get(2), all.get(3));
            assertThat(store.<Integer>transaction(tx -> tx.deleteTelemetryBefore(T0.plusSeconds(5), 2))).isEqualTo(1);
            assertThat(store.<Integer>transaction(tx -> tx.deleteTelemetryBefore(T0.plusSeconds(5), 2))).isZero();

            // a deleted cluster's samples go with its record; the others' stay
            store.transaction(tx -> tx.appendTelemetry(List.of(sample("users", 6))));
            assertThat(store.<Boolean>transaction(tx -> tx.deleteCluster("acme", "users", 1))).isTrue();
            assertThat(store.<List<StoredSample>>read(tx -> tx.telemetryAfter(0, 100))).containsExactly(all.get(3));
            assertThat(store.<List<ClusterName>>read(StoreTransaction::clusterNames)).containsExactly(new ClusterName("acme", "orders"));
        }
    }

    private static StoredSample sample(String cluster, int second) {
        return new StoredSample(0, "acme", cluster, T0.plusSeconds(second), "{\"cluster\": \"" + cluster + "\", \"second\": " + second + "}");
    }

    private static String rawKubeconfig(TestDatabases.Fresh fresh, String region) throws Exception {
        try (Connection sql = DriverManager.getConnection(fresh.url(), fresh.user(), null);
             PreparedStatement query = sql.prepareStatement("SELECT kubeconfig FROM regions WHERE name = ?")) {
            query.setString(1, region);
            try (ResultSet rs = query.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }
}

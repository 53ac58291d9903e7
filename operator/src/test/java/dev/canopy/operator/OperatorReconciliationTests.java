package dev.canopy.operator;

import dev.canopy.runtime.kubernetes.AdminCredentialsSecret;

import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.Phase;
import dev.canopy.api.BackupDestinationSpec;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.KubernetesBackups;
import dev.canopy.backup.BackupRecord;
import dev.canopy.backup.BackupState;
import dev.canopy.backup.BackupStatus;
import dev.canopy.backup.Destination;
import dev.canopy.backup.Destinations;
import dev.canopy.backup.Records;
import dev.canopy.backup.S3ProxyServer;
import dev.canopy.core.PlannerPolicy;
import dev.canopy.runtime.kubernetes.PodSnapshots;
import dev.canopy.runtime.kubernetes.Labels;
import dev.canopy.runtime.kubernetes.RuntimeSettings;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator (JOSDK, core's reconciler, the Kubernetes runtime) against an API server without controllers or
 * kubelets: {@link StatefulSetController} stands in for them, and the engine is faked by {@link PodReadinessEngine}
 * (a node has joined when its pod is Ready, which the test sets). Subclasses say which API server, and whether it can
 * do server-side apply.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class OperatorReconciliationTests {
    static final String NAMESPACE = "db";
    static final Duration CONVERGE = Duration.ofSeconds(60);
    static final String OPERATOR_AGENT = "canopy-operator-under-test";
    KubernetesClient client;
    KubernetesClient operatorClient;
    Operator operator;
    StatefulSetController controller;
    PodReadinessEngine engine;
    java.nio.file.Path scratch;
    PodVolumes volumes;
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    /** Starts (or finds) the API server; the client the test, the fake controller and the fake engine use. */
    abstract KubernetesClient apiServer();

    abstract boolean serverSideApply();

    /** Stops what {@link #apiServer} started. */
    void stopApiServer() {
    }

    @BeforeAll
    void startOperator() throws Exception {
        client = apiServer();
        prepare(client);
        scratch = java.nio.file.Files.createTempDirectory("canopy-operator-test");
        volumes = new PodVolumes(scratch.resolve("pods"));
        engine = new PodReadinessEngine(client, NAMESPACE, volumes);
        controller = new StatefulSetController(client, NAMESPACE).start();
        OperatorSettings settings = settings(serverSideApply());
        // its own client, told apart by its user agent: the RBAC test looks at the requests the operator made
        operatorClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withUserAgent(OPERATOR_AGENT).build()).build();
        operator = CanopyOperator.create(operatorClient, settings, engine, metrics, Clock.systemUTC(), PlannerPolicy.DEFAULTS,
                LeadershipExit.ofProcess(false), namespace -> volumes);
        operator.start();
    }

    @AfterAll
    void stopOperator() {
        if (operator == null) {
            return; // skipped before it started
        }
        operator.stop();
        controller.close();
        operatorClient.close();
        stopApiServer();
        PodVolumes.delete(scratch);
    }

    /**
     * The test namespace, the CRD as the chart would install it, and a default storage class that lets claims grow (a
     * real API server's admission refuses to grow a claim of a class that does not allow it, or of none).
     */
    static void prepare(KubernetesClient client) throws java.io.IOException {
        if (client.namespaces().withName(NAMESPACE).get() == null) {
            client.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                    .endMetadata().build()).create();
        }
        if (client.storage().v1().storageClasses().withName("standard").get() == null) {
            client.resource(new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder().withNewMetadata().withName("standard")
                    .addToAnnotations("storageclass.kubernetes.io/is-default-class", "true").endMetadata()
                    .withProvisioner("canopy.dev/test").withAllowVolumeExpansion(true)
                    .withVolumeBindingMode("WaitForFirstConsumer").build()).create();
        }
        if (client.apiextensions().v1().customResourceDefinitions().withName("databaseclusters.canopy.dev").get() != null) {
            return; // installed from the chart's manifests
        }
        try (InputStream crd = DatabaseCluster.class.getClassLoader().getResourceAsStream("META-INF/fabric8/databaseclusters.canopy.dev-v1.yml")) {
            client.resource(client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
        }
    }

    /** Watching the test namespace, no leader election, server-side apply as the API server allows. */
    static OperatorSettings settings(boolean serverSideApply) {
        return new OperatorSettings(Set.of(NAMESPACE), false, "canopy-operator", NAMESPACE, Duration.ofSeconds(15),
                "canopy-operator-0", false, 0, InetAddress.getLoopbackAddress(), null, RuntimeSettings.defaults().withServerSideApply(serverSideApply));
    }

    static DatabaseClusterSpec spec(int leaves, double leafHeight) {
        return new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(2, 0.5), new LeavesSpec(leaves, leafHeight, 10, null), Map.of(), false);
    }

    /** The same amount, however written: a real API server keeps quantities in canonical form ("4096Mi" is "4Gi"). */
    static java.util.function.Consumer<Quantity> sameAs(String expected) {
        return actual -> assertThat(Quantity.getAmountInBytes(actual)).as("%s is %s", actual, expected)
                .isEqualByComparingTo(Quantity.getAmountInBytes(new Quantity(expected)));
    }

    DatabaseCluster create(String name, DatabaseClusterSpec spec) {
        DatabaseCluster cluster = new DatabaseCluster();
        cluster.getMetadata().setName(name);
        cluster.getMetadata().setNamespace(NAMESPACE);
        cluster.setSpec(spec);
        return client.resource(cluster).create();
    }

    DatabaseCluster get(String name) {
        return client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName(name).get();
    }

    void editLeaves(String name, LeavesSpec leaves) {
        edit(name, s -> withLeaves(s, leaves));
    }

    static DatabaseClusterSpec withLeaves(DatabaseClusterSpec s, LeavesSpec leaves) {
        return new DatabaseClusterSpec(s.release(), s.redundancyLevel(), s.aggregators(), leaves, s.config(), s.suspended());
    }

    /** Changes the spec as a user would, trying again when the operator's status write came in between. */
    void edit(String name, UnaryOperator<DatabaseClusterSpec> change) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k
                && k.getCode() == 409).until(() -> {
            client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName(name).edit(c -> {
                c.setSpec(change.apply(c.getSpec()));
                return c;
            });
            return true;
        });
    }

    StatefulSet statefulSet(String name) {
        return client.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
    }

    void awaitReady(String name, long generation) {
        await().atMost(CONVERGE).untilAsserted(() -> {
            DatabaseCluster cluster = get(name);
            assertThat(cluster.getStatus()).isNotNull();
            assertThat(cluster.getStatus().observedGeneration()).isEqualTo(generation);
            assertThat(cluster.getStatus().phase()).isEqualTo(Phase.Ready);
        });
    }

    @Test
    void provisionsEveryObjectAndReportsReady() {
        create("orders", spec(2, 1.0));
        awaitReady("orders", 1);

        DatabaseCluster cluster = get("orders");
        assertThat(cluster.getStatus().isTrue(Condition.READY)).isTrue();
        assertThat(cluster.getStatus().leaves().ready()).isEqualTo(4);
        assertThat(cluster.getStatus().aggregators().ready()).isEqualTo(2);
        assertThat(cluster.getStatus().endpoints().jdbcUrl()).as("through the SQL Service")
                .isEqualTo("jdbc:ignite:thin://orders-sql.db.svc:10800");
        assertThat(cluster.getStatus().endpoints().aggregators()).containsExactly(
                "orders-aggregators-0.orders-aggregators.db.svc:10800", "orders-aggregators-1.orders-aggregators.db.svc:10800");
        assertThat(cluster.getMetadata().getFinalizers()).as("a finalizer, for the cleanup").isNotEmpty();

        for (String name : List.of("orders-leaves-ag1", "orders-leaves-ag2", "orders-aggregators")) {
            StatefulSet set = statefulSet(name);
            assertThat(set.getSpec().getReplicas()).isEqualTo(2);
            assertThat(set.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
            assertThat(set.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(cluster.getMetadata().getUid()));
            assertThat(set.getMetadata().getLabels()).containsKeys(Labels.NAME, Labels.INSTANCE, Labels.COMPONENT,
                    Labels.MANAGED_BY, Labels.AVAILABILITY_GROUP);
        }
        assertThat(statefulSet("orders-leaves-ag1").getSpec().getVolumeClaimTemplates()).hasSize(1);
        assertThat(statefulSet("orders-leaves-ag1").getSpec().getTemplate().getSpec().getContainers().get(0)
                .getResources().getLimits().get("memory")).satisfies(sameAs("4096Mi"));
        assertThat(client.services().inNamespace(NAMESPACE).withLabels(Labels.cluster("orders")).list().getItems()).hasSize(4);
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).withLabels(Labels.cluster("orders"))
                .list().getItems()).hasSize(2);
        assertThat(client.configMaps().inNamespace(NAMESPACE).withLabels(Labels.cluster("orders")).list().getItems())
                .as("one ConfigMap per node").hasSize(6)
                .anySatisfy(map -> assertThat(map.getData()).containsOnlyKeys("orders-aggregators-1.xml"));
        io.fabric8.kubernetes.api.model.Secret admin = client.secrets().inNamespace(NAMESPACE).withName("orders-admin").get();
        assertThat(AdminCredentialsSecret.login(admin)).as("the engine's superuser, with a generated password")
                .hasValueSatisfying(login -> assertThat(login.user()).isEqualTo("ignite"));
        assertThat(AdminCredentialsSecret.authenticated(admin)).as("a fresh cluster runs with authentication").containsExactly("orders");
        assertThat(AdminCredentialsSecret.joiningNodeSecurity(admin)).as("and its nodes handle a just-joined node's messages")
                .containsExactly("orders");
        assertThat(admin.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(cluster.getMetadata().getUid()));
        assertThat(cluster.getStatus().endpoints().credentialsSecret()).as("where the user reads the login")
                .isEqualTo("orders-admin");
        assertThat(engine.calls("orders")).first().isEqualTo("activate");
        assertThat(metrics.get(DatabaseClusterReconciler.PHASE_METRIC).tags("cluster", "orders", "phase", "Ready").gauge().value())
                .isEqualTo(1.0);
        assertThat(metrics.get(DatabaseClusterReconciler.PHASE_METRIC).tags("cluster", "orders", "phase", "Provisioning").gauge()
                .value()).isZero();
        assertThat(metrics.get("canopy.reconcile.steps").tags("reason", "StartingLeaves").counter().count()).isPositive();
        assertThat(engine.baseline("orders")).containsExactlyInAnyOrder("leaf-ag1-0", "leaf-ag1-1", "leaf-ag2-0", "leaf-ag2-1");
        List<Event> events = client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> "orders".equals(e.getInvolvedObject().getName())).toList();
        assertThat(events).extracting(Event::getReason).contains("StartingLeaves", "StartingAggregators");
        // leaves come before aggregators
        assertThat(controller.created("orders").subList(0, 4)).allMatch(p -> p.contains("-leaves-"));
    }

    @Test
    void aRollingRestartGoesThroughAg1ThenAg2OneLeafAtATime() {
        create("billing", spec(2, 1.0));
        awaitReady("billing", 1);
        int before = controller.created("billing").size();

        editLeaves("billing", new LeavesSpec(2, 2.0, 10, null));
        await().atMost(CONVERGE).untilAsserted(() -> {
            assertThat(get("billing").getStatus().observedGeneration()).isEqualTo(2);
            assertThat(controller.created("billing").size() - before).isEqualTo(4);
        });
        awaitReady("billing", 2);
        // only the leaves' height changed: the aggregators keep running
        assertThat(controller.created("billing").subList(before, before + 4))
                .containsExactly("billing-leaves-ag1-0", "billing-leaves-ag1-1", "billing-leaves-ag2-0", "billing-leaves-ag2-1");
        assertThat(statefulSet("billing-leaves-ag2").getSpec().getTemplate().getSpec().getContainers().get(0)
                .getResources().getLimits().get("memory")).satisfies(sameAs("8192Mi"));
    }

    @Test
    void aRestartWaitsForTheRestartedLeafToBeReadyAgain() {
        create("carts", spec(1, 1.0));
        awaitReady("carts", 1);
        controller.holdBackNext("carts-leaves-ag1-0");
        int before = controller.created("carts").size();
        editLeaves("carts", new LeavesSpec(1, 2.0, 10, null));
        await().atMost(CONVERGE).untilAsserted(() -> assertThat(controller.created("carts")).hasSize(before + 1));
        // the restarted leaf of AG1 is held back (not Ready): AG2's leaf must not be touched meanwhile
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(controller.created("carts")).hasSize(before + 1));
        assertThat(get("carts").getStatus().phase()).isEqualTo(Phase.Upgrading);
        controller.release("carts-leaves-ag1-0");
        awaitReady("carts", 2);
        assertThat(controller.created("carts").subList(before, before + 2))
                .containsExactly("carts-leaves-ag1-0", "carts-leaves-ag2-0");
    }

    @Test
    void scaleOutAddsLeavesToBothGroupsAndScaleInDeletesClaimsOnlyOnceOutOfTheBaseline() {
        create("stock", spec(1, 1.0));
        awaitReady("stock", 1);
        editLeaves("stock", new LeavesSpec(2, 1.0, 10, null));
        awaitReady("stock", 2);
        assertThat(engine.baseline("stock")).containsExactlyInAnyOrder("leaf-ag1-0", "leaf-ag1-1", "leaf-ag2-0", "leaf-ag2-1");
        assertThat(statefulSet("stock-leaves-ag2").getSpec().getReplicas()).isEqualTo(2);

        editLeaves("stock", new LeavesSpec(1, 1.0, 10, null));
        awaitReady("stock", 3);
        assertThat(engine.baseline("stock")).containsExactlyInAnyOrder("leaf-ag1-0", "leaf-ag2-0");
        assertThat(statefulSet("stock-leaves-ag1").getSpec().getReplicas()).isEqualTo(1);
        assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).withLabels(Labels.cluster("stock")).list().getItems())
                .extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("data-stock-leaves-ag1-0", "data-stock-leaves-ag2-0");
        // each leaf left the baseline before its claim went: its partitions had moved first
        assertThat(engine.calls("stock")).containsSubsequence(
                "setBaseline [leaf-ag1-0, leaf-ag2-0, leaf-ag2-1]", "setBaseline [leaf-ag1-0, leaf-ag2-0]");
    }

    @Test
    void deletingTheClusterDeletesItsClaimsUnlessTheyAreRetained() {
        create("gone", spec(1, 1.0));
        awaitReady("gone", 1);
        client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName("gone").delete();
        await().atMost(CONVERGE).untilAsserted(() -> {
            assertThat(get("gone")).isNull();
            assertThat(metrics.find(DatabaseClusterReconciler.PHASE_METRIC).tags("cluster", "gone").gauges()).isEmpty();
            assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).withLabels(Labels.cluster("gone")).list().getItems()).isEmpty();
        });

        DatabaseCluster kept = new DatabaseCluster();
        kept.getMetadata().setName("kept");
        kept.getMetadata().setNamespace(NAMESPACE);
        kept.getMetadata().setAnnotations(Map.of("canopy.dev/retain-volumes", "true"));
        kept.setSpec(spec(1, 1.0));
        client.resource(kept).create();
        awaitReady("kept", 1);
        assertThat(statefulSet("kept-leaves-ag1").getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
                .isEqualTo("Retain");
        client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName("kept").delete();
        await().atMost(CONVERGE).untilAsserted(() -> assertThat(get("kept")).isNull());
        assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).withLabels(Labels.cluster("kept")).list().getItems())
                .hasSize(2);
    }

    @Test
    void suspendingStopsEveryPodAndKeepsTheClaimsAndResumingBringsTheClusterBack() {
        create("archive", spec(1, 1.0));
        awaitReady("archive", 1);
        edit("archive", s -> s.withSuspended(true));
        await().atMost(CONVERGE).untilAsserted(() -> {
            assertThat(get("archive").getStatus().phase()).isEqualTo(Phase.Suspended);
            assertThat(get("archive").getStatus().observedGeneration()).isEqualTo(2);
        });
        for (String name : List.of("archive-leaves-ag1", "archive-leaves-ag2", "archive-aggregators")) {
            assertThat(statefulSet(name).getSpec().getReplicas()).as(name).isZero();
        }
        assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).withLabels(Labels.cluster("archive")).list().getItems())
                .hasSize(2);
        assertThat(get("archive").getStatus().endpoints()).as("no endpoint while suspended").isNull();

        edit("archive", s -> s.withSuspended(false));
        awaitReady("archive", 3);
        assertThat(statefulSet("archive-aggregators").getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void anEngineVersionChangeStopsEveryNodeThenStartsThemAllOnTheNewImage() {
        create("ledger", spec(1, 1.0).withRelease("2.16.0"));
        awaitReady("ledger", 1);
        edit("ledger", s -> s.withRelease("2.17.0"));
        awaitReady("ledger", 2);
        assertThat(get("ledger").getStatus().release()).isEqualTo("2.17.0");
        for (String name : List.of("ledger-leaves-ag1", "ledger-leaves-ag2", "ledger-aggregators")) {
            assertThat(statefulSet(name).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                    .isEqualTo("apacheignite/ignite:2.17.0");
        }
        assertThat(client.v1().events().inNamespace(NAMESPACE).list().getItems()).anySatisfy(e -> {
            assertThat(e.getInvolvedObject().getName()).isEqualTo("ledger");
            assertThat(e.getReason()).isEqualTo("CoordinatedRestart");
        });
    }

    @Test
    void growingTheStorageGrowsEveryClaimAndTheTemplateWithoutRestartingAPod() {
        create("ledger2", spec(1, 1.0));
        awaitReady("ledger2", 1);
        int before = controller.created("ledger2").size();
        editLeaves("ledger2", new LeavesSpec(1, 1.0, 25, null));
        await().atMost(CONVERGE).untilAsserted(() -> {
            assertThat(client.persistentVolumeClaims().inNamespace(NAMESPACE).withLabels(Labels.cluster("ledger2")).list()
                    .getItems()).hasSize(2).allSatisfy(claim ->
                    assertThat(claim.getSpec().getResources().getRequests().get("storage")).satisfies(sameAs("25Gi")));
            for (String name : List.of("ledger2-leaves-ag1", "ledger2-leaves-ag2")) {
                assertThat(statefulSet(name)).isNotNull();
                assertThat(statefulSet(name).getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests()
                        .get("storage")).satisfies(sameAs("25Gi"));
            }
        });
        awaitReady("ledger2", 2);
        assertThat(controller.created("ledger2")).as("no pod was restarted").hasSize(before);
        await().atMost(CONVERGE).untilAsserted(() -> assertThat(get("ledger2").getStatus().condition(Condition.STORAGE))
                .hasValueSatisfying(c -> {
                    assertThat(c.status()).isEqualTo(Condition.TRUE);
                    assertThat(c.message()).isEqualTo("every leaf's volume asks for 25Gi");
                }));
    }

    /**
     * A backup asked for with the annotation: every leaf's snapshot comes out of its pod, goes to S3 (an s3proxy on
     * loopback, with keys from a Secret), is recorded in the cluster's catalog and said in its status; the leaves'
     * volumes keep no copy. A new cluster created from it gets every leaf the whole snapshot, turns Ready only once the
     * rows are back, and says so.
     */
    @Test
    void aBackupAskedForGoesToS3AndANewClusterIsRestoredFromIt() throws Exception {
        try (S3ProxyServer s3 = new S3ProxyServer(scratch.resolve("s3"), "backups")) {
            client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("s3-keys")
                    .withNamespace(NAMESPACE).endMetadata()
                    .addToStringData(KubernetesBackups.ACCESS_KEY_ID, S3ProxyServer.ACCESS_KEY)
                    .addToStringData(KubernetesBackups.SECRET_ACCESS_KEY, S3ProxyServer.SECRET_KEY).build()).createOr(
                    io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
            BackupSpec backup = new BackupSpec(null, 2, new BackupDestinationSpec(null, s3.spec("backups", "k8s")));
            DatabaseClusterSpec spec = spec(1, 0.5);
            DatabaseClusterSpec withBackup = new DatabaseClusterSpec(spec.release(), spec.redundancyLevel(), spec.aggregators(),
                    spec.leaves(), spec.config(), spec.suspended(), backup);
            create("pantry", withBackup);
            awaitReady("pantry", 1);
            engine.tables.put("pantry", Map.of("PUBLIC.ITEMS", 42L, "PUBLIC.PRICES", 7L));

            annotate("pantry", KubernetesBackups.REQUEST_ANNOTATION, "2026-12-06T22:00:00Z");
            BackupRecord taken = await().atMost(CONVERGE).until(() -> records("pantry"),
                    records -> records.size() == 1 && records.get(0).finishedAt() != null).get(0);
            assertThat(taken.state()).as("%s", taken.reason()).isEqualTo(BackupState.Succeeded);
            assertThat(taken.tableRows()).isEqualTo(Map.of("PUBLIC.ITEMS", 42L, "PUBLIC.PRICES", 7L));
            assertThat(taken.destination()).contains("s3://backups/k8s");
            try (Destination bucket = Destinations.open(backup, null, name -> java.util.Optional.of(S3ProxyServer.credentials()))) {
                assertThat(bucket.record(taken.id()).map(r -> r.at(taken.location()))).as("the record beside the files in the bucket")
                        .contains(taken);
            }
            await().atMost(CONVERGE).untilAsserted(() -> assertThat(get("pantry").getStatus().condition(BackupStatus.BACKUP))
                    .hasValueSatisfying(c -> {
                        assertThat(c.status()).isEqualTo(Condition.TRUE);
                        assertThat(c.message()).startsWith("backup " + taken.id() + ": ");
                    }));
            assertThat(engine.calls("pantry")).contains("snapshot " + taken.snapshot());
            for (String pod : List.of("pantry-leaves-ag1-0", "pantry-leaves-ag2-0")) {
                assertThat(volumes.path(pod, PodSnapshots.TAKEN + "/" + taken.snapshot())).as("no copy left on " + pod).doesNotExist();
            }

            DatabaseCluster restored = new DatabaseCluster();
            restored.getMetadata().setName("pantry-copy");
            restored.getMetadata().setNamespace(NAMESPACE);
            restored.getMetadata().setAnnotations(Map.of(KubernetesBackups.RESTORE_FROM_ANNOTATION,
                    "{\"backup\": \"" + taken.id() + "\", \"destination\": {\"s3\": {\"endpoint\": \"" + s3.endpoint()
                            + "\", \"bucket\": \"backups\", \"prefix\": \"k8s\", \"credentialsSecret\": \"s3-keys\"}}}"));
            restored.setSpec(spec);
            client.resource(restored).create();
            awaitReady("pantry-copy", 1);
            assertThat(engine.tables.get("pantry-copy")).as("Ready only once restored").isEqualTo(taken.tableRows());
            assertThat(engine.calls("pantry-copy")).contains("restore " + taken.snapshot());
            assertThat(client.configMaps().inNamespace(NAMESPACE).withName(KubernetesBackups.catalog("pantry-copy")).get().getData()
                    .get(KubernetesBackups.RESTORE_KEY)).contains("\"Restored\"").contains(taken.id());
            for (String pod : List.of("pantry-copy-leaves-ag1-0", "pantry-copy-leaves-ag2-0")) {
                assertThat(volumes.path(pod, PodSnapshots.RESTORING + "/" + taken.snapshot())).as("no copy left on " + pod).doesNotExist();
            }
        }
    }

    /** A newer engine's storage is not read back by an older one: a downgrade is reported and not acted on. */
    @Test
    void aDowngradeIsRefusedAndNothingRestarts() {
        create("ledger4", spec(1, 0.5));
        awaitReady("ledger4", 1);
        int before = controller.created("ledger4").size();
        edit("ledger4", s -> s.withRelease("2.16.0"));
        await().atMost(CONVERGE).untilAsserted(() -> {
            DatabaseCluster cluster = get("ledger4");
            assertThat(cluster.getStatus().phase()).isEqualTo(Phase.Failed);
            assertThat(cluster.getStatus().condition(Condition.READY).orElseThrow().message())
                    .startsWith("spec.release: 2.16.0 is an older engine than the cluster's 2.17.0");
        });
        assertThat(controller.created("ledger4")).as("no pod restarted").hasSize(before);
        edit("ledger4", s -> s.withRelease("2.17.0"));
        awaitReady("ledger4", 3);
    }

    /** S3 is the only destination every pod and the operator share: a directory is refused, naming the field. */
    @Test
    void aBackupToADirectoryIsRefusedNamingTheField() {
        DatabaseClusterSpec spec = spec(1, 0.5);
        create("ledger3", new DatabaseClusterSpec(spec.release(), spec.redundancyLevel(), spec.aggregators(), spec.leaves(),
                spec.config(), spec.suspended(), new BackupSpec("1h", null, new BackupDestinationSpec("/backups", null))));
        await().atMost(CONVERGE).untilAsserted(() -> {
            DatabaseCluster cluster = get("ledger3");
            assertThat(cluster.getStatus()).isNotNull();
            assertThat(cluster.getStatus().phase()).isEqualTo(Phase.Failed);
            assertThat(cluster.getStatus().condition(Condition.READY).orElseThrow().message())
                    .startsWith("spec.backup.destination: a Kubernetes region keeps backups in S3");
        });
        assertThat(controller.created("ledger3")).as("nothing was made").isEmpty();
    }

    void annotate(String name, String key, String value) {
        client.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName(name)
                .edit(c -> {
                    if (c.getMetadata().getAnnotations() == null) {
                        c.getMetadata().setAnnotations(new java.util.HashMap<>());
                    }
                    c.getMetadata().getAnnotations().put(key, value);
                    return c;
                });
    }

    /** The records in the cluster's catalog ConfigMap, as the control plane reads them. */
    List<BackupRecord> records(String name) {
        var map = client.configMaps().inNamespace(NAMESPACE).withName(KubernetesBackups.catalog(name)).get();
        if (map == null || map.getData() == null) {
            return List.of();
        }
        return map.getData().entrySet().stream().filter(e -> e.getKey().endsWith(KubernetesBackups.RECORD_KEY_SUFFIX))
                .map(e -> Records.fromJson(e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8))).toList();
    }
}

package dev.canopy.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.KubernetesBackups;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.ReplicationStatus;
import dev.canopy.api.RestoreSource;
import dev.canopy.backup.BackupRecord;
import dev.canopy.backup.BackupTopology;
import dev.canopy.backup.Records;
import dev.canopy.controlplane.json.Json;
import dev.canopy.controlplane.region.FakeRegion;
import dev.canopy.controlplane.region.Kubeconfigs;
import dev.canopy.controlplane.region.KubernetesRegion;
import dev.canopy.controlplane.region.MockKubeconfig;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A Kubernetes region registered through the API, on fabric8's mock API server in CRUD mode (no operator runs there:
 * the test writes the status the operator would). The control plane reaches it through the kubeconfig it was given,
 * as it would reach a real cluster.
 */
class KubernetesRegionApiOnMockServerTest {
    private static final String NAMESPACE = "canopy";
    private static final Path CRD = Path.of("../deploy/helm/canopy-operator/crds/databaseclusters.canopy.dev-v1.yml");
    private static final String TO_S3 = "\"destination\": {\"s3\": {\"endpoint\": \"http://minio:9000\", \"bucket\": \"backups\","
            + " \"credentialsSecret\": \"s3-keys\"}}";
    private static final String ORDERS = """
            {"name": "orders", "region": "eu", "release": "2.17.0", "redundancyLevel": 2,
             "aggregators": {"count": 1, "height": 0.5}, "leaves": {"count": 2, "height": 0.5, "storageGB": 10}}""";

    // made by hand rather than by @EnableKubernetesMockClient, to control when the CRD is installed
    private final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
            new KubernetesCrudDispatcher(), false);
    private KubernetesClient kubernetes;
    private ApiFixture api;

    @BeforeEach
    void start() {
        server.init();
        kubernetes = server.createClient();
        api = new ApiFixture(new FakeRegion("local", List.of("2.17.0")));
    }

    @AfterEach
    void stop() {
        api.close();
        kubernetes.close();
        server.destroy();
    }

    @Test
    void aReplicaInAKubernetesRegionIsFedFromTheSameNamespaceAndReadBackWithTheOrganizationsNames() {
        installCrd();
        assertThat(api.admin.post("/api/v1/regions", registration("eu", "mock", NAMESPACE)).status()).isEqualTo(201);
        assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);

        ApiClient.Response created = api.admin.post("/api/v1/clusters", ORDERS
                .replace("\"orders\"", "\"copy\", \"replicaOf\": {\"cluster\": \"orders\"}"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("spec").path("replicaOf").path("cluster").asText()).isEqualTo("orders");
        assertThat(created.json().path("spec").path("replicaOf").path("region").asText()).isEqualTo("eu");
        // the operator knows no region names: its source is a DatabaseCluster of the same namespace, by its name there
        assertThat(resource("default-copy").getSpec().replicaOf()).isEqualTo(new ReplicaOfSpec("default-orders", null));
        ApiClient.Response named = api.admin.post("/api/v1/clusters", ORDERS
                .replace("\"orders\"", "\"again\", \"replicaOf\": {\"cluster\": \"orders\", \"region\": \"eu\"}"));
        assertThat(named.status()).as("the region named: the same").isEqualTo(201);
        assertThat(resource("default-again").getSpec().replicaOf()).isEqualTo(new ReplicaOfSpec("default-orders", null));

        // what the operator would write: the source as <namespace>/<cluster>
        DatabaseCluster copy = resource("default-copy");
        copy.setStatus(new DatabaseClusterStatus(Phase.Ready, List.of(
                new Condition(Condition.READY, Condition.TRUE, "AllNodesReady", "every node is up", null),
                new Condition(Condition.PROGRESSING, Condition.TRUE, "Replicating",
                        "streaming from canopy/default-orders (not canopy/default-orders-old)", null)),
                copy.getMetadata().getGeneration(), new NodeCounts(1, 1), new NodeCounts(4, 4), "2.17.0", null, null, null,
                new ReplicationStatus("canopy/default-orders", "Streaming: streaming from canopy/default-orders, lag 0.9 s",
                        0.9, 3271L, null, null, null)));
        kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).resource(copy).updateStatus();

        // read back as a local region's replica reads: <region>/<the organization's name>; the region is listed every second
        JsonNode got = awaitCluster(api.admin, "copy", c -> c.path("status").has("replication"));
        assertThat(got.path("spec").path("replicaOf").path("cluster").asText()).as(got.toString()).isEqualTo("orders");
        assertThat(got.path("spec").path("replicaOf").path("region").asText()).isEqualTo("eu");
        JsonNode replication = got.path("status").path("replication");
        assertThat(replication.path("source").asText()).isEqualTo("eu/orders");
        assertThat(replication.path("state").asText()).isEqualTo("Streaming: streaming from eu/orders, lag 0.9 s");
        assertThat(replication.path("lagSeconds").asDouble()).isEqualTo(0.9);
        assertThat(got.path("status").path("conditions").get(1).path("message").asText())
                .as("a longer name is not renamed").isEqualTo("streaming from eu/orders (not canopy/default-orders-old)");
        JsonNode listed = api.admin.get("/api/v1/clusters").json().path("items");
        assertThat(listed).filteredOn(c -> c.path("name").asText().equals("copy")).singleElement()
                .satisfies(c -> assertThat(c.path("status").path("replication").path("source").asText()).isEqualTo("eu/orders"))
                .satisfies(c -> assertThat(c.path("spec").path("replicaOf").path("region").asText()).isEqualTo("eu"));

        // a change of the resource's spec made there (its generation ahead) reads back with the region's name too
        DatabaseCluster changedThere = resource("default-copy");
        changedThere.setSpec(changedThere.getSpec().withSuspended(true));
        kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).resource(changedThere).update();
        JsonNode ahead = awaitCluster(api.admin, "copy", c -> c.path("spec").path("suspended").asBoolean());
        assertThat(ahead.path("spec").path("replicaOf").path("cluster").asText()).isEqualTo("orders");
        assertThat(ahead.path("spec").path("replicaOf").path("region").asText()).isEqualTo("eu");

        // every other change keeps the source as the operator knows it (resumed first: a suspended cluster is not
        // resized); promoting removes it
        assertThat(api.admin.post("/api/v1/clusters/copy/resume", null).status()).isEqualTo(200);
        assertThat(resource("default-copy").getSpec().replicaOf()).isEqualTo(new ReplicaOfSpec("default-orders", null));
        ApiClient.Response resized = api.admin.post("/api/v1/clusters/copy/resize", "{\"leaves\": {\"count\": 4}}");
        assertThat(resized.status()).as(resized.body()).isEqualTo(200);
        assertThat(resource("default-copy").getSpec().leaves().count()).isEqualTo(4);
        assertThat(resource("default-copy").getSpec().replicaOf()).isEqualTo(new ReplicaOfSpec("default-orders", null));
        ApiClient.Response promoted = api.admin.post("/api/v1/clusters/copy/promote", null);
        assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
        assertThat(resource("default-copy").getSpec().replicaOf()).isNull();
    }

    @Test
    void aReplicaAndItsSourceInRegionsOfDifferentKindsAreRefusedNamingTheRegion() {
        installCrd();
        assertThat(api.admin.post("/api/v1/regions", registration("eu", "mock", NAMESPACE)).status()).isEqualTo(201);
        assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
        assertThat(api.admin.post("/api/v1/clusters", ORDERS.replace("\"eu\"", "\"local\"").replace("orders", "home")).status())
                .isEqualTo(201);

        ApiClient.Response kubernetesToLocal = api.admin.post("/api/v1/clusters", ORDERS.replace("\"eu\"", "\"local\"")
                .replace("\"orders\"", "\"copy\", \"replicaOf\": {\"cluster\": \"orders\", \"region\": \"eu\"}"));
        assertThat(kubernetesToLocal.status()).as(kubernetesToLocal.body()).isEqualTo(422);
        assertThat(kubernetesToLocal.fields()).containsExactly("replicaOf.region");
        assertThat(kubernetesToLocal.body()).contains("between kinds of regions", "no network path", "make the replica in region eu");

        ApiClient.Response localToKubernetes = api.admin.post("/api/v1/clusters", ORDERS
                .replace("\"orders\"", "\"copy\", \"replicaOf\": {\"cluster\": \"home\", \"region\": \"local\"}"));
        assertThat(localToKubernetes.status()).as(localToKubernetes.body()).isEqualTo(422);
        assertThat(localToKubernetes.fields()).containsExactly("replicaOf.region");
        assertThat(localToKubernetes.body()).contains("between kinds of regions", "make the replica in region local");

        assertThat(resource("default-copy")).isNull();
        assertThat(kubernetes.secrets().inNamespace(NAMESPACE).list().getItems()).isEmpty();
        assertThat(api.admin.get("/api/v1/clusters/copy").status()).isEqualTo(404);

        // the region itself refuses a source it cannot feed from, should a spec get past the control plane's checks
        KubernetesRegion eu = new KubernetesRegion("eu", NAMESPACE, kubernetes);
        var spec = resource("default-orders").getSpec().withReplicaOf(new ReplicaOfSpec("default-home", "local"));
        assertThatThrownBy(() -> eu.apply("default-copy", spec))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("spec.replicaOf.region: region eu (kubernetes)").contains("not from region local"));
        assertThat(resource("default-copy")).isNull();
    }

    @Test
    void aReplicaInOneKubernetesRegionOfASourceInAnotherGetsThatRegionsKubeconfigAndReadsBackInTheOrganizationsNames() {
        KubernetesMockServer usServer = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        usServer.init();
        try (KubernetesClient us = usServer.createClient()) {
            installCrd();
            us.apiextensions().v1().customResourceDefinitions().load(CRD.toFile()).create();
            // us's namespace is named as the source's region: the source is told apart by the spec, not by its prefix
            String usNamespace = "eu";
            assertThat(api.admin.post("/api/v1/regions", registration("eu", "mock", NAMESPACE)).status()).isEqualTo(201);
            ApiClient.Response usRegistered = api.admin.post("/api/v1/regions", registration(usServer, "us", usNamespace));
            assertThat(usRegistered.status()).as(usRegistered.body()).isEqualTo(201);
            assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);

            ApiClient.Response created = api.admin.post("/api/v1/clusters", ORDERS.replace("\"eu\"", "\"us\"")
                    .replace("\"orders\"", "\"copy\", \"replicaOf\": {\"cluster\": \"orders\", \"region\": \"eu\"}"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().path("spec").path("replicaOf").path("cluster").asText()).isEqualTo("orders");
            assertThat(created.json().path("spec").path("replicaOf").path("region").asText()).isEqualTo("eu");

            // us's operator is told the source by eu's name for it and the region, and given eu's kubeconfig
            DatabaseCluster copy = us.resources(DatabaseCluster.class).inNamespace(usNamespace).withName("default-copy").get();
            assertThat(copy.getSpec().replicaOf()).isEqualTo(new ReplicaOfSpec("default-orders", "eu"));
            Secret handed = us.secrets().inNamespace(usNamespace).withName("canopy-region-eu").get();
            assertThat(handed).as("the Secret in the replica's namespace").isNotNull();
            assertThat(handed.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "canopy-control-plane");
            String kubeconfig = new String(Base64.getDecoder().decode(handed.getData().get("kubeconfig")), StandardCharsets.UTF_8);
            io.fabric8.kubernetes.api.model.Config parsed = KubeConfigUtils.parseConfigFromString(kubeconfig);
            assertThat(parsed.getCurrentContext()).isEqualTo("mock");
            assertThat(parsed.getContexts()).as("only the registered context").singleElement()
                    .satisfies(c -> assertThat(c.getContext().getNamespace()).isEqualTo(NAMESPACE));
            assertThat(parsed.getClusters()).singleElement()
                    .satisfies(c -> assertThat(c.getCluster().getServer()).isEqualTo(server.url("/")));
            // what us's operator would do with it: reach the source in eu's namespace
            try (KubernetesClient fromUs = Kubeconfigs.client(kubeconfig, parsed.getCurrentContext())) {
                assertThat(fromUs.getNamespace()).isEqualTo(NAMESPACE);
                assertThat(fromUs.resources(DatabaseCluster.class).withName("default-orders").get()).isNotNull();
            }

            // what us's operator would write: the source as <region>/<cluster>, by eu's name for it
            copy.setStatus(new DatabaseClusterStatus(Phase.Ready, List.of(
                    new Condition(Condition.READY, Condition.TRUE, "AllNodesReady", "every node is up", null)),
                    copy.getMetadata().getGeneration(), new NodeCounts(1, 1), new NodeCounts(4, 4), "2.17.0", null, null, null,
                    new ReplicationStatus("eu/default-orders", "Streaming: streaming from eu/default-orders, lag 1.2 s",
                            1.2, 3271L, null, null, null)));
            us.resources(DatabaseCluster.class).inNamespace(usNamespace).resource(copy).updateStatus();
            JsonNode got = awaitCluster(api.admin, "copy", c -> c.path("status").has("replication"));
            assertThat(got.path("spec").path("replicaOf").path("cluster").asText()).as(got.toString()).isEqualTo("orders");
            assertThat(got.path("spec").path("replicaOf").path("region").asText()).isEqualTo("eu");
            JsonNode replication = got.path("status").path("replication");
            assertThat(replication.path("source").asText()).isEqualTo("eu/orders");
            assertThat(replication.path("state").asText()).isEqualTo("Streaming: streaming from eu/orders, lag 1.2 s");

            // every later write of the replica's spec hands the kubeconfig over again (here: after it was removed)
            us.secrets().inNamespace(usNamespace).withName("canopy-region-eu").delete();
            ApiClient.Response resized = api.admin.post("/api/v1/clusters/copy/resize", "{\"leaves\": {\"count\": 4}}");
            assertThat(resized.status()).as(resized.body()).isEqualTo(200);
            DatabaseCluster resizedThere = us.resources(DatabaseCluster.class).inNamespace(usNamespace).withName("default-copy").get();
            assertThat(resizedThere.getSpec().leaves().count()).isEqualTo(4);
            assertThat(resizedThere.getSpec().replicaOf()).isEqualTo(new ReplicaOfSpec("default-orders", "eu"));
            assertThat(us.secrets().inNamespace(usNamespace).withName("canopy-region-eu").get()).isNotNull();

            // the Secret stays when the replica goes: other replicas of eu's clusters may use it
            assertThat(api.admin.delete("/api/v1/clusters/copy", Map.of()).status()).isEqualTo(202);
            await("the replica is gone").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> us.resources(DatabaseCluster.class).inNamespace(usNamespace).withName("default-copy").get() == null);
            assertThat(us.secrets().inNamespace(usNamespace).withName("canopy-region-eu").get()).isNotNull();
            assertThat(kubernetes.secrets().inNamespace(NAMESPACE).list().getItems()).as("nothing handed to the source's region")
                    .isEmpty();
        } finally {
            usServer.destroy();
        }
    }

    @Test
    void clustersOfAKubernetesRegionAreDatabaseClusterResourcesInItsNamespace() throws Exception {
        installCrd();
        ApiClient.Response registered = api.admin.post("/api/v1/regions", registration("eu", "mock", NAMESPACE));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        assertThat(registered.json().path("healthy").asBoolean()).as(registered.body()).isTrue();

        ApiClient.Response created = api.admin.post("/api/v1/clusters", ORDERS);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        DatabaseCluster resource = resource("default-orders");
        assertThat(resource).as("the resource, named as in every region").isNotNull();
        assertThat(resource.getSpec().leaves().count()).isEqualTo(2);
        assertThat(resource.getSpec().redundancyLevel()).isEqualTo(2);
        assertThat(resource.getSpec().release()).isEqualTo("2.17.0");

        // what the operator would write
        resource.setStatus(new DatabaseClusterStatus(Phase.Ready,
                List.of(new Condition(Condition.READY, Condition.TRUE, "AllNodesReady", "every node is up", null)),
                resource.getMetadata().getGeneration(), new NodeCounts(1, 1), new NodeCounts(4, 4), "2.17.0",
                new Endpoints("jdbc:ignite:thin://orders.canopy.svc:10800", List.of("orders.canopy.svc:10800")), null));
        kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).resource(resource).updateStatus();
        JsonNode got = awaitCluster(api.admin, "orders", c -> c.path("phase").asText().equals("Ready"));
        assertThat(got.path("jdbcUrl").asText()).isEqualTo("jdbc:ignite:thin://orders.canopy.svc:10800");
        assertThat(got.path("status").path("conditions").get(0).path("reason").asText()).isEqualTo("AllNodesReady");
        assertThat(got.path("status").path("observedGeneration").asLong()).isEqualTo(resource.getMetadata().getGeneration());
        JsonNode create = await("the create ends").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.admin.get("/api/v1/clusters/orders/operations").json().path("items").get(0),
                        op -> !op.path("outcome").asText().equals("accepted"));
        assertThat(create.path("outcome").asText()).as(create.toString()).isEqualTo("succeeded");

        ApiClient.Response resized = api.admin.post("/api/v1/clusters/orders/resize", "{\"leaves\": {\"count\": 3}}");
        assertThat(resized.status()).as(resized.body()).isEqualTo(200);
        assertThat(resource("default-orders").getSpec().leaves().count()).isEqualTo(3);

        // backups go to S3 only: the platform's directory would be on no pod's machine
        ApiClient.Response noBucket = api.admin.post("/api/v1/clusters/orders/backup-policy", "{\"schedule\": \"6h\"}");
        assertThat(noBucket.status()).as(noBucket.body()).isEqualTo(422);
        assertThat(noBucket.fields()).containsExactly("backup.destination");
        assertThat(noBucket.body()).contains("S3-compatible object storage");
        assertThat(resource("default-orders").getSpec().backup()).isNull();
        // nor with the operator's own credentials: the cluster's namespace holds its keys
        ApiClient.Response operatorsKeys = api.admin.post("/api/v1/clusters/orders/backup-policy",
                "{\"schedule\": \"6h\", \"destination\": {\"s3\": {\"endpoint\": \"http://minio:9000\", \"bucket\": \"backups\"}}}");
        assertThat(operatorsKeys.status()).as(operatorsKeys.body()).isEqualTo(422);
        assertThat(operatorsKeys.fields()).containsExactly("backup.destination.s3.credentialsSecret");
        assertThat(resource("default-orders").getSpec().backup()).isNull();
        ApiClient.Response policy = api.admin.post("/api/v1/clusters/orders/backup-policy", "{\"schedule\": \"6h\", " + TO_S3 + "}");
        assertThat(policy.status()).as(policy.body()).isEqualTo(200);
        assertThat(resource("default-orders").getSpec().backup().destination().s3().bucket()).isEqualTo("backups");

        // asked for through the operator's annotation; listed from its catalog
        ApiClient.Response asked = api.admin.post("/api/v1/clusters/orders/backups", "");
        assertThat(asked.status()).as(asked.body()).isEqualTo(202);
        assertThat(asked.json().path("items")).as("no catalog yet").isEmpty();
        assertThat(resource("default-orders").getMetadata().getAnnotations()).containsKey(KubernetesBackups.REQUEST_ANNOTATION);
        BackupRecord taken = BackupRecord.started("default-orders-20261207-090000", "default-orders",
                        Instant.parse("2026-12-07T09:00:00Z"), "2.17.0", new BackupTopology(1, 2, 2, 0.5, 10), "s3://backups")
                .succeeded(Instant.parse("2026-12-07T09:00:05Z"), 4096, Map.of("PUBLIC.T", 7L), Map.of("PUBLIC.T", 7L))
                .at(resource("default-orders").getSpec().backup().destination());
        kubernetes.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata()
                .withName(KubernetesBackups.catalog("default-orders")).endMetadata()
                .withData(Map.of(taken.id() + KubernetesBackups.RECORD_KEY_SUFFIX,
                        new String(Records.toJson(taken), StandardCharsets.UTF_8))).build()).create();
        JsonNode listed = api.admin.get("/api/v1/clusters/orders/backups").json().path("items");
        assertThat(listed).as(listed.toString()).singleElement().satisfies(b -> {
            assertThat(b.path("id").asText()).isEqualTo(taken.id());
            assertThat(b.path("state").asText()).isEqualTo("Succeeded");
            assertThat(b.path("location").path("s3").path("bucket").asText()).isEqualTo("backups");
        });

        // a restore is a new resource naming its backup, as the portal sends it: the record's location
        ApiClient.Response fromDirectory = api.admin.post("/api/v1/clusters", ORDERS.replace("\"orders\"",
                "\"again\", \"restoreFrom\": {\"backup\": \"" + taken.id() + "\"}"));
        assertThat(fromDirectory.status()).as(fromDirectory.body()).isEqualTo(422);
        assertThat(fromDirectory.fields()).containsExactly("restoreFrom.destination");
        assertThat(resource("default-again")).isNull();
        ApiClient.Response restored = api.admin.post("/api/v1/clusters", ORDERS.replace("\"orders\"",
                "\"again\", \"restoreFrom\": {\"backup\": \"" + taken.id() + "\", " + TO_S3 + "}"));
        assertThat(restored.status()).as(restored.body()).isEqualTo(201);
        String source = resource("default-again").getMetadata().getAnnotations().get(KubernetesBackups.RESTORE_FROM_ANNOTATION);
        assertThat(Json.mapper().readValue(source, RestoreSource.class)).isEqualTo(new RestoreSource(taken.id(), taken.location()));
        assertThat(api.admin.delete("/api/v1/clusters/again", Map.of()).status()).isEqualTo(202);

        ApiClient.Response refused = api.admin.delete("/api/v1/regions/eu", Map.of());
        assertThat(refused.status()).as("a region holding clusters stays").isEqualTo(409);
        assertThat(refused.json().path("detail").asText()).contains("default/orders");

        // the operator's finalizer keeps a deleted resource until its nodes are gone; so does the region
        DatabaseCluster held = resource("default-orders");
        held.getMetadata().setFinalizers(List.of("canopy.dev/finalizer"));
        kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).resource(held).update();
        assertThat(api.admin.delete("/api/v1/clusters/orders", Map.of()).status()).isEqualTo(202);
        assertThat(resource("default-orders").getMetadata().getDeletionTimestamp()).isNotNull();
        ApiClient.Response stillThere = api.admin.delete("/api/v1/regions/eu", Map.of());
        assertThat(stillThere.status()).isEqualTo(409);
        assertThat(stillThere.json().path("detail").asText()).contains("default-orders (being deleted)");

        DatabaseCluster finished = resource("default-orders");
        finished.getMetadata().setFinalizers(List.of());
        kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).resource(finished).update();
        assertThat(resource("default-orders")).isNull();
        await("the delete ends").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.admin.get("/api/v1/operations").json().path("items").get(0).path("outcome").asText(),
                        outcome -> !outcome.equals("accepted"));
        assertThat(api.admin.delete("/api/v1/regions/eu", Map.of()).status()).isEqualTo(204);
        assertThat(regionNames()).containsExactly("local");
    }

    @Test
    void healthSaysWhenTheCrdIsMissingAndRegisteredRegionsComeBackAfterARestart() {
        ApiClient.Response registered = api.admin.post("/api/v1/regions", registration("eu", "mock", NAMESPACE));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        assertThat(registered.json().path("healthy").asBoolean()).isFalse();
        assertThat(registered.json().path("message").asText()).contains("databaseclusters.canopy.dev is not installed");
        JsonNode publicHealth = api.anonymous().get("/api/v1/health").json().path("regions").get(1);
        assertThat(publicHealth.path("healthy").asBoolean()).isFalse();
        assertThat(publicHealth.has("message")).as("where the region is stays private").isFalse();
        installCrd();

        Path dataDir = api.dataDir;
        api.close();
        api = new ApiFixture(dataDir, new FakeRegion("local", List.of("2.17.0")));
        JsonNode eu = api.admin.get("/api/v1/regions").json().path("items").get(1);
        assertThat(eu.path("name").asText()).isEqualTo("eu");
        assertThat(eu.path("kind").asText()).isEqualTo("kubernetes");
        assertThat(eu.path("namespace").asText()).isEqualTo(NAMESPACE);
        assertThat(eu.path("healthy").asBoolean()).as(eu.toString()).isTrue();
        assertThat(api.admin.post("/api/v1/clusters", ORDERS).status()).isEqualTo(201);
        assertThat(resource("default-orders")).isNotNull();

        // the API server gone: its clusters answer as last read, marked stale since when, and the region is unhealthy
        // (noticed at its next list: a watched region is listed every 10 s)
        server.destroy();
        JsonNode stale = await("orders stale through the API").atMost(java.time.Duration.ofSeconds(40))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> api.admin.get("/api/v1/clusters/orders").json(), c -> c.hasNonNull("statusStaleSince"));
        assertThat(stale.path("name").asText()).isEqualTo("orders");
        assertThat(api.admin.get("/api/v1/clusters").json().path("items").get(0).hasNonNull("statusStaleSince")).isTrue();
        JsonNode down = api.admin.get("/api/v1/regions").json().path("items").get(1);
        assertThat(down.path("healthy").asBoolean()).isFalse();
        assertThat(down.path("message").asText()).contains("does not answer");
    }

    @Test
    void aBadRegistrationIsRefusedNamingTheFieldAndNothingIsStored() {
        ApiClient.Response notYaml = api.admin.post("/api/v1/regions", Json.write(Map.of("name", "eu", "kind", "kubernetes",
                "kubeconfig", "clusters: [ {{ not yaml", "context", "mock", "namespace", NAMESPACE)));
        assertThat(notYaml.status()).as(notYaml.body()).isEqualTo(422);
        assertThat(notYaml.contentType()).startsWith("application/problem+json");
        assertThat(notYaml.fields()).containsExactly("kubeconfig");

        ApiClient.Response unknownContext = api.admin.post("/api/v1/regions", registration("eu", "nowhere", NAMESPACE));
        assertThat(unknownContext.fields()).containsExactly("context");
        assertThat(unknownContext.json().path("errors").get(0).path("message").asText()).contains("nowhere", "mock");

        // a request must not make the control plane run a command or read one of its own files
        ApiClient.Response exec = api.admin.post("/api/v1/regions", registration("eu", "mock", NAMESPACE)
                .replace("{ token: not-checked-by-the-mock }", "{ exec: { apiVersion: client.authentication.k8s.io/v1, command: touch, args: [ /tmp/pwned ] } }"));
        assertThat(exec.fields()).as(exec.body()).containsExactly("kubeconfig");
        assertThat(exec.json().path("errors").get(0).path("message").asText()).contains("user tester", "running a command");
        ApiClient.Response file = api.admin.post("/api/v1/regions", registration("eu", "mock", NAMESPACE)
                .replace("{ token: not-checked-by-the-mock }", "{ tokenFile: /etc/hostname }"));
        assertThat(file.json().path("errors").get(0).path("message").asText()).as(file.body()).contains("refers to a file");

        ApiClient.Response badNames = api.admin.post("/api/v1/regions", registration("EU_1", "mock", "Not A Namespace")
                .replace("\"kubernetes\"", "\"openstack\""));
        assertThat(badNames.fields()).containsExactlyInAnyOrder("name", "kind", "namespace");

        ApiClient.Response builtIn = api.admin.post("/api/v1/regions", registration("local", "mock", NAMESPACE));
        assertThat(builtIn.status()).isEqualTo(409);
        assertThat(api.admin.delete("/api/v1/regions/local", Map.of()).status()).isEqualTo(409);

        ApiClient member = api.admin.withKey(api.admin.post("/api/v1/keys", "{\"role\": \"member\"}").json().path("secret").asText());
        assertThat(member.post("/api/v1/regions", registration("eu", "mock", NAMESPACE)).status()).isEqualTo(403);
        ApiClient otherAdmin = api.admin.withKey(api.admin.post("/api/v1/organizations", "{\"name\": \"acme\"}")
                .json().path("adminKey").path("secret").asText());
        ApiClient.Response notPlatform = otherAdmin.post("/api/v1/regions", registration("eu", "mock", NAMESPACE));
        assertThat(notPlatform.status()).isEqualTo(403);
        assertThat(notPlatform.json().path("detail").asText()).contains("organization default");

        assertThat(regionNames()).containsExactly("local");
    }

    private List<String> regionNames() {
        List<String> names = new java.util.ArrayList<>();
        api.admin.get("/api/v1/regions").json().path("items").forEach(r -> names.add(r.path("name").asText()));
        return names;
    }

    private void installCrd() {
        kubernetes.apiextensions().v1().customResourceDefinitions().load(CRD.toFile()).create();
    }

    private DatabaseCluster resource(String name) {
        return kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName(name).get();
    }

    /** A registration whose kubeconfig has two contexts: {@code mock} reaches the mock server, {@code other} nothing. */
    private String registration(String name, String context, String namespace) {
        return registration(server, name, context, namespace);
    }

    /** A registration of the given mock server through its context {@code mock}. */
    private static String registration(KubernetesMockServer server, String name, String namespace) {
        return registration(server, name, "mock", namespace);
    }

    private static String registration(KubernetesMockServer server, String name, String context, String namespace) {
        String kubeconfig = MockKubeconfig.of(server.url("/"));
        return Json.write(Map.of("name", name, "kind", "kubernetes", "kubeconfig", kubeconfig, "context", context,
                "namespace", namespace));
    }

    /** The cluster through the API once it is as expected: the API answers from what it last read of the region. */
    private static JsonNode awaitCluster(ApiClient client, String name, java.util.function.Predicate<JsonNode> expected) {
        return await(name + " as expected through the API").atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> client.get("/api/v1/clusters/" + name).json(), expected);
    }
}

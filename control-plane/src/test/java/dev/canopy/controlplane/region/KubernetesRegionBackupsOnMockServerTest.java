package dev.canopy.controlplane.region;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canopy.api.AggregatorsSpec;
import dev.canopy.api.BackupDestinationSpec;
import dev.canopy.api.BackupSpec;
import dev.canopy.api.DatabaseCluster;
import dev.canopy.api.DatabaseClusterSpec;
import dev.canopy.api.InvalidSpecException;
import dev.canopy.api.KubernetesBackups;
import dev.canopy.api.LeavesSpec;
import dev.canopy.api.RestoreSource;
import dev.canopy.api.S3DestinationSpec;
import dev.canopy.backup.BackupRecord;
import dev.canopy.backup.BackupTopology;
import dev.canopy.backup.Records;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Backups and restores of a Kubernetes region on fabric8's mock API server in CRUD mode: what the control plane writes
 * for the operator (the spec, the request and restore annotations) and reads back from it (the catalog ConfigMap). No
 * operator runs: the test writes the records it would.
 */
class KubernetesRegionBackupsOnMockServerTest {
    private static final String NAMESPACE = "canopy";
    private static final Path CRD = Path.of("../deploy/helm/canopy-operator/crds/databaseclusters.canopy.dev-v1.yml");
    private static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");
    private static final S3DestinationSpec BUCKET = new S3DestinationSpec("http://minio:9000", "backups", "prod", null, "s3-keys");
    private static final DatabaseClusterSpec PLAIN = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 0.5),
            new LeavesSpec(2, 0.5, 10, null), Map.of(), null);

    private final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
            new KubernetesCrudDispatcher(), false);
    private KubernetesClient kubernetes;
    private KubernetesRegion region;

    @BeforeEach
    void start() {
        server.init();
        kubernetes = server.createClient();
        kubernetes.apiextensions().v1().customResourceDefinitions().load(CRD.toFile()).create();
        // a second later on every reading, so two requests made at once still differ
        Clock ticking = new Clock() {
            private Instant next = NOW;

            @Override
            public Instant instant() {
                Instant now = next;
                next = next.plus(Duration.ofSeconds(1));
                return now;
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
        region = new KubernetesRegion("eu", NAMESPACE, kubernetes, null, name -> Optional.empty(), ticking);
    }

    @AfterEach
    void stop() {
        kubernetes.close();
        server.destroy();
    }

    @Test
    void aBackupPolicyToS3IsStoredAndOneWithoutS3IsRefusedNamingTheDestination() {
        DatabaseClusterSpec toS3 = PLAIN.withBackup(new BackupSpec("6h", 3, new BackupDestinationSpec(null, BUCKET)));
        region.apply("default-orders", toS3);
        assertThat(resource("default-orders").getSpec().backup()).isEqualTo(toS3.backup());

        DatabaseClusterSpec toDirectory = PLAIN.withBackup(new BackupSpec("1d", 3, new BackupDestinationSpec("/srv/backups", null)));
        assertThatThrownBy(() -> region.apply("default-orders", toDirectory))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("spec.backup.destination: ").contains("destination.s3"));
        assertThat(resource("default-orders").getSpec().backup()).as("unchanged").isEqualTo(toS3.backup());

        assertThatThrownBy(() -> region.apply("default-new", PLAIN.withBackup(new BackupSpec("1d", null, null))))
                .as("the platform's directory, by default, is no place for a Kubernetes region's backups either")
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("spec.backup.destination: "));
        assertThat(resource("default-new")).as("nothing stored").isNull();
    }

    @Test
    void aResourceWrittenBeforeTheRuleKeepsTakingChangesThatLeaveItsBackupSectionAlone() {
        DatabaseClusterSpec toDirectory = PLAIN.withBackup(new BackupSpec("1d", 3, new BackupDestinationSpec("/srv/backups", null)));
        DatabaseCluster old = new DatabaseCluster();
        old.setMetadata(new ObjectMetaBuilder().withName("default-old").build());
        old.setSpec(toDirectory);
        kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).resource(old).create();

        region.apply("default-old", toDirectory.withSuspended(true));

        assertThat(resource("default-old").getSpec().suspended()).isTrue();
    }

    @Test
    void aBackupIsAskedForByANewRequestAnnotationOnAClusterThatExists() {
        region.apply("default-orders", PLAIN);
        region.apply("default-other", PLAIN);

        assertThat(region.requestBackup("default-orders")).isTrue();
        String first = resource("default-orders").getMetadata().getAnnotations().get(KubernetesBackups.REQUEST_ANNOTATION);
        assertThat(Instant.parse(first)).isEqualTo(NOW);
        assertThat(region.requestBackup("default-orders")).isTrue();
        assertThat(resource("default-orders").getMetadata().getAnnotations().get(KubernetesBackups.REQUEST_ANNOTATION))
                .as("a new value: the operator acts on a change").isNotEqualTo(first)
                .satisfies(second -> assertThat(Instant.parse(second)).isAfter(Instant.parse(first)));
        assertThat(resource("default-orders").getSpec()).as("the spec left alone").isEqualTo(PLAIN);
        assertThat(resource("default-other").getMetadata().getAnnotations()).as("only the cluster asked for")
                .doesNotContainKey(KubernetesBackups.REQUEST_ANNOTATION);

        assertThat(region.requestBackup("default-nothing")).isFalse();
        assertThat(resource("default-nothing")).isNull();
    }

    @Test
    void aClusterBeingDeletedTakesNoBackupRequest() {
        region.apply("default-orders", PLAIN);
        DatabaseCluster held = resource("default-orders");
        held.getMetadata().setFinalizers(List.of("canopy.dev/finalizer"));
        kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).resource(held).update();
        assertThat(region.delete("default-orders")).isTrue();

        assertThat(region.requestBackup("default-orders")).isFalse();
        assertThat(resource("default-orders").getMetadata().getAnnotations()).isNullOrEmpty();
    }

    @Test
    void backupsAreTheOperatorsRecordsOldestFirstSkippingWhatIsNoRecord() {
        region.apply("default-orders", PLAIN);
        assertThat(region.backups("default-orders")).as("no catalog before the first backup").isEmpty();

        BackupRecord older = record("default-orders-20261207-030000", Instant.parse("2026-12-07T03:00:00Z"))
                .succeeded(Instant.parse("2026-12-07T03:00:09Z"), 4096, Map.of("PUBLIC.T", 7L), Map.of("PUBLIC.T", 7L))
                .at(new BackupDestinationSpec(null, BUCKET));
        BackupRecord newer = record("default-orders-20261207-090000", Instant.parse("2026-12-07T09:00:00Z"))
                .failed(Instant.parse("2026-12-07T09:00:02Z"), "leaf default-orders-leaf-0 is down");
        Map<String, String> data = new LinkedHashMap<>();
        // newest first in the ConfigMap, so the order read back is the region's own
        data.put(newer.id() + KubernetesBackups.RECORD_KEY_SUFFIX, json(newer));
        data.put("default-orders-20261207-060000" + KubernetesBackups.RECORD_KEY_SUFFIX, "{\"id\": \"default-orders-2026");
        data.put(older.id() + KubernetesBackups.RECORD_KEY_SUFFIX, json(older));
        data.put(KubernetesBackups.RESTORE_KEY, "{\"source\": {\"backup\": \"x\"}, \"stage\": \"Restored\"}");
        data.put(KubernetesBackups.REQUEST_HANDLED_KEY, NOW.toString());
        kubernetes.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata()
                .withName(KubernetesBackups.catalog("default-orders")).endMetadata().withData(data).build()).create();

        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(KubernetesRegion.class);
        log.start();
        logger.addAppender(log);
        List<BackupRecord> read;
        try {
            read = region.backups("default-orders");
        } finally {
            logger.detachAppender(log);
        }

        assertThat(read).containsExactly(older, newer);
        assertThat(log.list).as("one warning, for the broken record only").singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains("default-orders-20261207-060000.backup.json", "default-orders-backups");
        });
        assertThat(region.backups("default-other")).as("another cluster's catalog is its own").isEmpty();
    }

    @Test
    void aRestoreIsANewResourceNamingItsS3SourceForTheOperator() throws Exception {
        RestoreSource source = new RestoreSource("default-orders-20261207-030000", new BackupDestinationSpec(null, BUCKET));
        DatabaseClusterSpec spec = PLAIN.withBackup(new BackupSpec("6h", null, new BackupDestinationSpec(null, BUCKET)));

        long generation = region.restore("default-again", spec, source);

        DatabaseCluster created = resource("default-again");
        assertThat(created.getSpec()).isEqualTo(spec);
        assertThat(generation).isEqualTo(created.getMetadata().getGeneration() == null ? 1 : created.getMetadata().getGeneration());
        String annotation = created.getMetadata().getAnnotations().get(KubernetesBackups.RESTORE_FROM_ANNOTATION);
        assertThat(new ObjectMapper().readValue(annotation, RestoreSource.class)).isEqualTo(source);
        assertThat(annotation).as("absent fields left out").doesNotContain("null", "directory");
        assertThat(created.getMetadata().getAnnotations()).doesNotContainKey(KubernetesBackups.REQUEST_ANNOTATION);

        assertThatThrownBy(() -> region.restore("default-again", spec, source))
                .isInstanceOf(RegionConflictException.class).hasMessageContaining("default-again");
        assertThat(resource("default-again").getMetadata().getAnnotations().get(KubernetesBackups.RESTORE_FROM_ANNOTATION))
                .isEqualTo(annotation);
    }

    @Test
    void aRestoreFromADirectoryOrIntoASpecWithoutS3BackupsIsRefusedAndNothingIsStored() {
        assertThatThrownBy(() -> region.restore("default-again", PLAIN,
                new RestoreSource("default-orders-20261207-030000", new BackupDestinationSpec("/srv/backups", null))))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("restoreFrom.destination: region eu (kubernetes)").contains("destination.s3"));
        assertThatThrownBy(() -> region.restore("default-again", PLAIN, new RestoreSource("default-orders-20261207-030000", null)))
                .as("no directory of the region's own either")
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("restoreFrom.destination: "));
        RestoreSource fromS3 = new RestoreSource("default-orders-20261207-030000", new BackupDestinationSpec(null, BUCKET));
        assertThatThrownBy(() -> region.restore("default-again",
                PLAIN.withBackup(new BackupSpec("6h", null, new BackupDestinationSpec("/srv/backups", null))), fromS3))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("spec.backup.destination: "));

        assertThat(resource("default-again")).isNull();
    }

    private static BackupRecord record(String id, Instant at) {
        return BackupRecord.started(id, "default-orders", at, "2.17.0", new BackupTopology(1, 2, 2, 0.5, 10), "s3://backups/prod");
    }

    private static String json(BackupRecord record) {
        return new String(Records.toJson(record), StandardCharsets.UTF_8);
    }

    private DatabaseCluster resource(String name) {
        return kubernetes.resources(DatabaseCluster.class).inNamespace(NAMESPACE).withName(name).get();
    }
}

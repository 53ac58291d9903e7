package dev.canopy.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The backup section of a spec: read from YAML, checked field by field. */
class BackupSpecTest {
    private static final DatabaseClusterSpec BASE = new DatabaseClusterSpec("2.17.0", 2, new AggregatorsSpec(1, 1.0),
            new LeavesSpec(2, 1.0, 10, null), Map.of(), null);

    private static DatabaseClusterSpec with(BackupSpec backup) {
        return BASE.withBackup(backup);
    }

    @Test
    void aKubernetesRegionTakesS3WithTheClustersOwnKeysOnly() {
        S3DestinationSpec withKeys = new S3DestinationSpec("http://minio:9000", "backups", "prod", null, "s3-keys");
        S3DestinationSpec operatorsOwn = new S3DestinationSpec("http://minio:9000", "backups", "prod", null, null);
        assertThat(KubernetesBackups.destinationProblem(new BackupSpec("6h", 7, new BackupDestinationSpec(null, withKeys)))).isEmpty();
        assertThat(KubernetesBackups.destinationProblem(new BackupSpec("6h", 7, new BackupDestinationSpec(null, operatorsOwn))))
                .hasValueSatisfying(p -> assertThat(p).startsWith("spec.backup.destination.s3.credentialsSecret: is required")
                        .contains("operator's own credentials are never used"));
        assertThat(KubernetesBackups.destinationProblem(new BackupSpec("6h", 7, new BackupDestinationSpec("/backups", null))))
                .hasValueSatisfying(p -> assertThat(p).startsWith("spec.backup.destination: "));
    }

    @Test
    void aFullS3SectionIsReadFromYaml() {
        ClusterManifest manifest = ClusterManifest.parse("""
                apiVersion: canopy.dev/v1alpha1
                kind: DatabaseCluster
                metadata: { name: orders }
                spec:
                  release: "2.17.0"
                  redundancyLevel: 2
                  aggregators: { count: 1, height: 1 }
                  leaves: { count: 2, height: 1, storageGB: 10 }
                  backup:
                    schedule: 6h
                    retention: 14
                    destination:
                      s3: { endpoint: "http://127.0.0.1:9000", bucket: backups, prefix: prod/orders, region: eu-west-1, credentialsSecret: s3-keys }
                """);
        assertThat(manifest.spec().backup()).isEqualTo(new BackupSpec("6h", 14, new BackupDestinationSpec(null,
                new S3DestinationSpec("http://127.0.0.1:9000", "backups", "prod/orders", "eu-west-1", "s3-keys"))));
    }

    @Test
    void anUnknownBackupFieldIsNamed() {
        assertThatThrownBy(() -> ClusterManifest.parse("""
                apiVersion: canopy.dev/v1alpha1
                kind: DatabaseCluster
                metadata: { name: orders }
                spec:
                  release: "2.17.0"
                  redundancyLevel: 2
                  aggregators: { count: 1, height: 1 }
                  leaves: { count: 2, height: 1, storageGB: 10 }
                  backup: { every: 6h }
                """)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("spec.backup.every: unknown field; known fields here: destination, retention, schedule");
    }

    @Test
    void noDestinationAndNoScheduleIsFine() {
        assertThat(SpecValidator.validate(with(new BackupSpec(null, null, null)))).isEmpty();
        assertThat(new BackupSpec(null, null, null).retentionOrDefault()).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1m", "30m", "6h", "1d", "99999d"})
    void intervalsAreAccepted(String schedule) {
        assertThat(SpecValidator.validate(with(new BackupSpec(schedule, null, null)))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0h", "6", "h", "10s", "1.5h", "PT6H", "0 3 * * *", "06h", ""})
    void otherSchedulesAreRefusedNamingTheField(String schedule) {
        assertThat(SpecValidator.validate(with(new BackupSpec(schedule, null, null)))).containsExactly(
                "spec.backup.schedule: must be a number and a unit, m (minutes), h (hours) or d (days), like 30m, 6h or 1d, got " + schedule);
    }

    @Test
    void retentionIsBounded() {
        assertThat(SpecValidator.validate(with(new BackupSpec(null, 0, null))))
                .containsExactly("spec.backup.retention: must be from 1 to 1000, got 0");
        assertThat(SpecValidator.validate(with(new BackupSpec(null, 1001, null))))
                .containsExactly("spec.backup.retention: must be from 1 to 1000, got 1001");
    }

    @Test
    void aDestinationIsADirectoryOrABucketNotBothNorNeither() {
        S3DestinationSpec s3 = new S3DestinationSpec(null, "backups", null, null, null);
        assertThat(SpecValidator.validate(with(new BackupSpec(null, null, new BackupDestinationSpec("/b", s3)))))
                .containsExactly("spec.backup.destination: give exactly one of directory and s3");
        assertThat(SpecValidator.validate(with(new BackupSpec(null, null, new BackupDestinationSpec(null, null)))))
                .containsExactly("spec.backup.destination: give exactly one of directory and s3");
        assertThat(SpecValidator.validate(with(new BackupSpec(null, null, new BackupDestinationSpec("backups", null)))))
                .containsExactly("spec.backup.destination.directory: must be an absolute path, got backups");
    }

    @Test
    void everyS3ProblemIsReportedAtOnce() {
        S3DestinationSpec s3 = new S3DestinationSpec("ftp://x", "B!", "/lead", "EU WEST", "Keys");
        assertThat(SpecValidator.validate(with(new BackupSpec("6x", 0, new BackupDestinationSpec(null, s3))))).containsExactly(
                "spec.backup.schedule: must be a number and a unit, m (minutes), h (hours) or d (days), like 30m, 6h or 1d, got 6x",
                "spec.backup.retention: must be from 1 to 1000, got 0",
                "spec.backup.destination.s3.bucket: must be 3 to 63 lower-case letters, digits, '.' and '-', got B!",
                "spec.backup.destination.s3.endpoint: must be an http:// or https:// URL, got ftp://x",
                "spec.backup.destination.s3.prefix: must be key segments separated by '/', without a leading or trailing '/', got /lead",
                "spec.backup.destination.s3.region: must be lower-case letters, digits and '-', like eu-west-1, got EU WEST",
                "spec.backup.destination.s3.credentialsSecret: must be a secret's name (lower-case letters, digits and '-'), got Keys");
        assertThat(SpecValidator.validate(with(new BackupSpec(null, null, new BackupDestinationSpec(null,
                new S3DestinationSpec(null, null, null, null, null)))))).containsExactly("spec.backup.destination.s3.bucket: is required");
    }

    @Test
    void theBackupSectionSurvivesSuspension() {
        BackupSpec backup = new BackupSpec("1d", 3, null);
        assertThat(with(backup).withSuspended(true).backup()).isEqualTo(backup);
    }
}
